// Pipedrive: API v2 cursor endpoints (persons, organizations, deals, activities: `cursor` →
// `additional_data.next_cursor`, `updated_since`) and v1 offset paging for leads (`start` →
// `additional_data.pagination.more_items_in_collection` / `next_start`). The token goes in a header.
// Custom fields come under 40-character keys; the v2 field lists (personFields, …) give their names.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, isoSeconds, trimSlash, type Page, type PulledRecord } from '../connector.js';
import type { Answer, Http, Verdict } from '../http.js';
import { readSecret, optionalEnv } from '../secrets.js';

const V2 = new Set(['persons', 'organizations', 'deals', 'activities']);
/** The v2 field list naming each entity's custom fields (leads use the deal fields). */
const FIELD_LISTS: Record<string, string> = { persons: 'personFields', organizations: 'organizationFields', deals: 'dealFields', leads: 'dealFields' };

const fieldListSchema = z.object({
  success: z.literal(true),
  data: z.array(z.object({ field_code: z.string(), field_name: z.string().nullish(), is_custom_field: z.boolean().nullish() }).passthrough()).nullable(),
  additional_data: z.object({ next_cursor: z.string().nullish() }).nullish(),
});

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

    /** Custom field key → name, from the entity's field list (once per pull; 500 fields per request). */
    const names = new Map<string, Promise<Map<string, string>>>();
    const customNames = (http: Http, list: string) => {
      if (!names.has(list)) {
        names.set(list, (async () => {
          const out = new Map<string, string>();
          let cursor: string | null | undefined;
          for (let page = 1; page === 1 || cursor; page++) {
            const q = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
            const what = `GET /api/v2/${list}, page ${page}`;
            const body = expectShape(fieldListSchema, await http.request({ url: `${base}/api/v2/${list}?${q}`, headers, what }), 'Pipedrive', what);
            for (const f of body.data ?? []) if (f.is_custom_field && f.field_name) out.set(f.field_code, f.field_name);
            cursor = body.additional_data?.next_cursor;
          }
          return out;
        })());
      }
      return names.get(list)!;
    };
    /** A record with its custom fields as "Name [key]" (v2: out of `custom_fields`; v1 leads: top-level keys). */
    const labelled = (r: Record<string, unknown>, custom: Map<string, string>): Record<string, unknown> => {
      if (!custom.size) return r;
      const { custom_fields: nested, ...rest } = r;
      const fields = nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Record<string, unknown>) : {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) out[custom.has(k) ? `${custom.get(k)} [${k}]` : k] = v;
      for (const [k, v] of Object.entries(fields)) out[custom.has(k) ? `${custom.get(k)} [${k}]` : `custom_fields.${k}`] = v;
      return out;
    };

    return {
      classify(a: Answer): Verdict | undefined {
        const reset = Number(a.headers.get('x-ratelimit-reset'));
        const resetMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
        if (a.status === 429) return { kind: 'wait', ms: resetMs, why: `rate limited (429, x-ratelimit-remaining ${a.headers.get('x-ratelimit-remaining') ?? '?'})` };
        if (a.status < 300 && a.headers.get('x-ratelimit-remaining') === '0' && resetMs) return { kind: 'pause', ms: resetMs, why: 'rate-limit window used up (x-ratelimit-remaining 0)' };
        return undefined;
      },

      async page(http, { entity, cursor, since, page }): Promise<Page> {
        const custom = FIELD_LISTS[entity] ? await customNames(http, FIELD_LISTS[entity]) : new Map<string, string>();
        const toRecords = (data: z.infer<typeof recordSchema>[] | null): PulledRecord[] =>
          (data ?? []).map((r) => ({ id: r.id, updatedAt: r.update_time ?? undefined, data: labelled(r as Record<string, unknown>, custom) }));
        const raw = (a: Answer, records: PulledRecord[]) => (custom.size ? JSON.stringify({ ...(a.json as object), data: records.map((r) => r.data) }) : a.text);
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
          const records = toRecords(body.data);
          return { records, next: next ? { cursor: next } : undefined, body: raw(a, records) };
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
        return { records, next: p?.more_items_in_collection ? { start: p.next_start ?? start + records.length } : undefined, body: raw(a, records) };
      },
    };
  },
});
