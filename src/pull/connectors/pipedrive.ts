// Pipedrive: API v2 cursor endpoints (persons, organizations, deals, activities: `cursor` →
// `additional_data.next_cursor`, `updated_since`) and v1 offset paging for leads (`start` →
// `additional_data.pagination.more_items_in_collection` / `next_start`). The token goes in a header.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, isoSeconds, trimSlash, type Page, type PulledRecord } from '../connector.js';
import type { Answer, Verdict } from '../http.js';
import { readSecret, optionalEnv } from '../secrets.js';

const V2 = new Set(['persons', 'organizations', 'deals', 'activities']);

const recordSchema = z.object({ id: idSchema, update_time: z.string().nullish() }).passthrough();
const v2Schema = z.object({
  success: z.literal(true),
  data: z.array(recordSchema).nullable(),
  additional_data: z.object({ next_cursor: z.string().nullish() }).nullish(),
});
const v1Schema = z.object({
  success: z.literal(true),
  data: z.array(recordSchema).nullable(),
  additional_data: z.object({ pagination: z.object({ more_items_in_collection: z.boolean(), next_start: z.number().optional() }) }).nullish(),
});

export default defineConnector({
  id: 'pipedrive',
  label: 'Pipedrive',
  preset: 'pipedrive',
  entities: { persons: 'contacts', organizations: 'companies', deals: 'deals', activities: 'activities', leads: 'leads', users: 'users' },
  defaultEntities: ['persons', 'organizations', 'deals', 'users'],
  rate: 10, // burst limit per token: 20 requests per 2 s on the Lite plan (more on higher plans)
  env: [
    { name: 'PIPEDRIVE_TOKEN', doc: 'personal API token (Settings → Personal preferences → API)' },
    { name: 'PIPEDRIVE_BASE_URL', doc: 'https://<company>.pipedrive.com, default https://api.pipedrive.com' },
  ],
  scopes: 'an API token of a user who can see all records (visibility "everyone", or an admin); OAuth apps: scopes deals:read, contacts:read, activities:read, leads:read, users:read',
  open(env, baseUrl) {
    const token = readSecret(env, 'PIPEDRIVE_TOKEN', 'a Pipedrive API token');
    const base = trimSlash(baseUrl ?? optionalEnv(env, 'PIPEDRIVE_BASE_URL') ?? 'https://api.pipedrive.com');
    const headers = { 'x-api-token': token };
    return {
      classify(a: Answer): Verdict | undefined {
        const reset = Number(a.headers.get('x-ratelimit-reset'));
        const resetMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
        if (a.status === 429) return { kind: 'wait', ms: resetMs, why: `rate limited (429, x-ratelimit-remaining ${a.headers.get('x-ratelimit-remaining') ?? '?'})` };
        if (a.status < 300 && a.headers.get('x-ratelimit-remaining') === '0' && resetMs) return { kind: 'pause', ms: resetMs, why: 'rate-limit window used up (x-ratelimit-remaining 0)' };
        return undefined;
      },

      async page(http, { entity, cursor, since, page }): Promise<Page> {
        const toRecords = (data: z.infer<typeof recordSchema>[] | null): PulledRecord[] =>
          (data ?? []).map((r) => ({ id: r.id, updatedAt: r.update_time ?? undefined, data: r as Record<string, unknown> }));
        if (V2.has(entity)) {
          // Sorted by id, which never changes: a record edited during the pull keeps its place (sorting by
          // update_time would move it behind the cursor and shift an unread record out of reach).
          const q = new URLSearchParams({ limit: '500', sort_by: 'id', sort_direction: 'asc' });
          if (cursor?.cursor) q.set('cursor', String(cursor.cursor));
          if (since) q.set('updated_since', isoSeconds(since));
          const what = `GET /api/v2/${entity}, page ${page}`;
          const a = await http.request({ url: `${base}/api/v2/${entity}?${q}`, headers, what });
          const body = expectShape(v2Schema, a, 'Pipedrive', what);
          const next = body.additional_data?.next_cursor;
          return { records: toRecords(body.data), next: next ? { cursor: next } : undefined, body: a.text };
        }
        // v1 offset paging (leads have no updated_since filter: every pull reads them all), in creation order with
        // the id as tie-breaker: edits move nothing, new leads come last.
        const start = Number(cursor?.start ?? 0);
        const what = `GET /v1/${entity}?start=${start}, page ${page}`;
        const q = new URLSearchParams({ start: String(start), limit: '500', ...(entity === 'leads' ? { sort: 'add_time ASC, id ASC' } : {}) });
        const a = await http.request({ url: `${base}/v1/${entity}?${q}`, headers, what });
        const body = expectShape(v1Schema, a, 'Pipedrive', what);
        const p = body.additional_data?.pagination;
        const records = toRecords(body.data);
        return { records, next: p?.more_items_in_collection ? { start: p.next_start ?? start + records.length } : undefined, body: a.text };
      },
    };
  },
});
