// amoCRM / Kommo API v4: HAL answers (`_embedded.<entity>[]`), keyset paging over `filter[updated_at]` (250 a page),
// unix timestamps, e-mail and phone in custom_fields_values (field_code EMAIL / PHONE), 204 when empty.
// At most 7 requests per second per integration; repeated 429s get the IP blocked (403), so crmq paces itself.
// Unix times become ISO in the amoCRM preset's fromApi, shared with `crmq import` of saved pages.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, trimSlash, type Cursor, type PulledRecord } from '../connector.js';
import type { Answer, Verdict } from '../http.js';
import { optionalEnv, readSecret } from '../secrets.js';

const recordSchema = z.object({ id: idSchema, updated_at: z.number().nullish() }).passthrough();
/** The API's largest page. */
export const AMO_PAGE = 250;
const pageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).passthrough().optional(),
  _embedded: z.record(z.string(), z.array(recordSchema)),
});

export default defineConnector({
  id: 'amocrm',
  label: 'amoCRM / Kommo',
  preset: 'amocrm',
  entities: { leads: 'deals', contacts: 'contacts', companies: 'companies', tasks: 'activities', users: 'users' },
  defaultEntities: ['leads', 'contacts', 'companies', 'users'],
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
        // Keyset paging over updated_at (never page=N over a changing order): each request asks for records
        // changed at or after the last time committed, skipping the ids already read at that very second.
        // A record edited meanwhile moves to the end and comes again (the later copy wins); none is skipped.
        // A second holding a whole page of records is read by id within that second (`tie`).
        const get = async (q: URLSearchParams, what: string) => {
          if (entity === 'leads') q.set('with', 'contacts');
          const a = await http.request({ url: `${base}/api/v4/${entity}?${q}`, headers, what });
          const body = a.status === 204 ? undefined : expectShape(pageSchema, a, 'amoCRM', what);
          // More pages: the API links the next one (it may cap `limit` below what was asked).
          return { a, rows: body?._embedded[entity] ?? [], more: !!body?._links?.next && !!body?._embedded[entity]?.length };
        };
        const toRecord = (r: z.infer<typeof recordSchema>): PulledRecord => ({
          id: r.id, updatedAt: r.updated_at ? new Date(r.updated_at * 1000).toISOString() : undefined, data: r as Record<string, unknown>,
        });
        if (entity === 'users') {
          // The account's users: a short list, by page number (users are not reordered by edits).
          const p = Number(cursor?.page ?? 1);
          const { a, rows, more } = await get(new URLSearchParams({ limit: String(AMO_PAGE), page: String(p) }), `GET /api/v4/users, page ${page}`);
          return { records: rows.map(toRecord), next: more ? { page: p + 1 } : undefined, body: a.text };
        }
        if (cursor?.tie !== undefined) {
          // One second's records by id, page by page. An edit moves a record out of that second and shifts the rest
          // back, so each page is read with the one before it again: the records past the last id already read
          // that the shift moved there come too. A shift of more than a page starts the second again.
          const tie = Number(cursor.tie);
          const p = Number(cursor.page ?? 1);
          const tieQuery = (n: number) => new URLSearchParams({ limit: String(AMO_PAGE), 'filter[updated_at][from]': String(tie), 'filter[updated_at][to]': String(tie), 'order[id]': 'asc', page: String(n) });
          const what = `GET /api/v4/${entity} (updated_at ${tie}, page ${p}), page ${page}`;
          const { a, rows, more } = await get(tieQuery(p), what);
          let records = rows;
          if (p > 1) {
            const boundary = Number(cursor.boundary);
            const before = (await get(tieQuery(p - 1), `${what} (page ${p - 1} again)`)).rows;
            records = [...before.filter((r) => Number(r.id) > boundary), ...rows.filter((r) => !before.some((x) => x.id === r.id))];
            if (!before.some((r) => Number(r.id) <= boundary)) return { records: records.map(toRecord), next: { tie, page: 1 }, body: a.text };
          }
          const next: Cursor = more ? { tie, page: p + 1, boundary: rows.at(-1)?.id ?? '' } : { from: tie + 1, seen: '' };
          return { records: records.map(toRecord), next, body: a.text };
        }
        const from = cursor?.from !== undefined ? Number(cursor.from) : since ? Math.floor(since.getTime() / 1000) : undefined;
        const q = new URLSearchParams({ limit: String(AMO_PAGE), 'order[updated_at]': 'asc', page: '1' });
        if (from !== undefined) q.set('filter[updated_at][from]', String(from));
        const { a, rows, more: full } = await get(q, `GET /api/v4/${entity}${from !== undefined ? ` (updated_at ≥ ${from})` : ''}, page ${page}`);
        const seen = new Set(String(cursor?.seen ?? '').split(',').filter(Boolean));
        const fresh = rows.filter((r) => !(r.updated_at === from && seen.has(r.id)));
        if (!full) return { records: fresh.map(toRecord), body: a.text };
        const last = rows.at(-1)!.updated_at ?? 0;
        // A whole page within one second: read that second by id, then go on after it.
        if (rows.every((r) => r.updated_at === last)) return { records: fresh.map(toRecord), next: { tie: last ?? 0, page: 1 }, body: a.text };
        const atLast = rows.filter((r) => r.updated_at === last).map((r) => r.id);
        const carried = last === from ? [...seen] : [];
        return { records: fresh.map(toRecord), next: { from: last, seen: [...new Set([...carried, ...atLast])].join(',') }, body: a.text };
      },
    };
  },
});
