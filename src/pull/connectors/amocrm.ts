// amoCRM / Kommo API v4: HAL answers (`_embedded.<entity>[]`, `_links.next.href`), `page`/`limit` (250),
// unix timestamps, e-mail and phone in custom_fields_values (field_code EMAIL / PHONE), 204 when empty.
// At most 7 requests per second per integration; repeated 429s get the IP blocked (403), so crmq paces itself.
// Unix times become ISO in the amoCRM preset's fromApi, shared with `crmq import` of saved pages.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, trimSlash, type PulledRecord } from '../connector.js';
import type { Answer, Verdict } from '../http.js';
import { optionalEnv, readSecret } from '../secrets.js';

const recordSchema = z.object({ id: idSchema, updated_at: z.number().nullish() }).passthrough();
const pageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).passthrough().optional(),
  _embedded: z.record(z.string(), z.array(recordSchema)),
});

export default defineConnector({
  id: 'amocrm',
  label: 'amoCRM / Kommo',
  preset: 'amocrm',
  entities: { leads: 'deals', contacts: 'contacts', companies: 'companies', tasks: 'activities' },
  defaultEntities: ['leads', 'contacts', 'companies'],
  rate: 7, // "no more than 7 requests per second" per integration
  env: [
    { name: 'AMOCRM_TOKEN', doc: 'long-lived access token of a private integration' },
    { name: 'AMOCRM_SUBDOMAIN', doc: 'account subdomain: https://<subdomain>.amocrm.ru' },
    { name: 'AMOCRM_BASE_URL', doc: 'instead of the subdomain, the full URL (Kommo: https://<subdomain>.kommo.com)' },
  ],
  scopes: 'a private integration with "CRM" access, its token issued by an administrator (account-wide read)',
  open(env, baseUrl) {
    const token = readSecret(env, 'AMOCRM_TOKEN', 'an amoCRM long-lived token');
    const sub = optionalEnv(env, 'AMOCRM_SUBDOMAIN');
    const given = baseUrl ?? optionalEnv(env, 'AMOCRM_BASE_URL') ?? (sub ? `https://${sub}.amocrm.ru` : readSecret(env, 'AMOCRM_SUBDOMAIN', 'your account subdomain'));
    const base = trimSlash(given);
    const headers = { authorization: `Bearer ${token}` };
    return {
      classify(a: Answer): Verdict | undefined {
        if (a.status === 429) return { kind: 'wait', why: 'rate limited (429: over 7 requests per second)' };
        if (a.status === 403) return { kind: 'fatal', message: 'access refused (403): the token lacks rights, or the IP was blocked for repeated rate-limit violations' };
        if (a.status === 402) return { kind: 'fatal', message: 'the account is not paid (402 Payment Required)' };
        return undefined;
      },

      async page(http, { entity, cursor, since, page }) {
        let url: string;
        if (cursor?.next) {
          // Follow _links.next, but only on the configured host (never send the token elsewhere).
          const next = new URL(String(cursor.next));
          url = `${base}${next.pathname}${next.search}`;
        } else {
          const q = new URLSearchParams({ limit: '250', page: '1', 'order[updated_at]': 'asc' });
          if (since) q.set('filter[updated_at][from]', String(Math.floor(since.getTime() / 1000)));
          if (entity === 'leads') q.set('with', 'contacts');
          url = `${base}/api/v4/${entity}?${q}`;
        }
        const what = `GET /api/v4/${entity}, page ${page}`;
        const a = await http.request({ url, headers, what });
        if (a.status === 204) return { records: [], body: a.text };
        const body = expectShape(pageSchema, a, 'amoCRM', what);
        const rows = body._embedded[entity] ?? [];
        const records: PulledRecord[] = rows.map((r) => ({
          id: r.id, updatedAt: r.updated_at ? new Date(r.updated_at * 1000).toISOString() : undefined, data: r as Record<string, unknown>,
        }));
        const next = body._links?.next?.href;
        return { records, next: next && rows.length ? { next } : undefined, body: a.text };
      },
    };
  },
});
