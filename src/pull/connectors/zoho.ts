// Zoho CRM v8 records: `fields` named explicitly (every field the module's field metadata lists, custom ones too;
// at most 50 per request, so the rest come for the page's ids in further requests), 200 per page, `page_token` →
// `info.next_page_token` while `info.more_records`; incremental pulls send If-Modified-Since (204/304 mean nothing
// changed). Deleted records come from /<Module>/deleted. The data centre is part of the base URL.
import { z } from 'zod';
import { CrmqError } from '../../errors.js';
import { defineConnector, expectShape, idSchema, trimSlash, type PulledRecord } from '../connector.js';
import type { Answer, Http, Verdict } from '../http.js';
import { addSecret, hasSecret, optionalEnv, readSecret } from '../secrets.js';

/** The fields the presets map, asked for first; the module's field metadata adds the rest. */
const FIELDS: Record<string, string[]> = {
  Leads: ['First_Name', 'Last_Name', 'Company', 'Email', 'Phone', 'Mobile', 'Lead_Source', 'Lead_Status', 'Owner', 'Created_Time', 'Modified_Time'],
  Contacts: ['First_Name', 'Last_Name', 'Full_Name', 'Email', 'Secondary_Email', 'Phone', 'Mobile', 'Account_Name', 'Title', 'Mailing_City', 'Mailing_Country', 'Lead_Source', 'Owner', 'Created_Time', 'Modified_Time'],
  Accounts: ['Account_Name', 'Phone', 'Website', 'Industry', 'Account_Type', 'Employees', 'Annual_Revenue', 'Billing_City', 'Billing_Country', 'Owner', 'Created_Time', 'Modified_Time'],
  Deals: ['Deal_Name', 'Amount', 'Stage', 'Closing_Date', 'Account_Name', 'Contact_Name', 'Lead_Source', 'Probability', 'Pipeline', 'Currency', 'Reason_For_Loss__s', 'Owner', 'Created_Time', 'Modified_Time'],
};

/** Zoho takes at most 50 field API names in `fields`. */
export const ZOHO_FIELDS_PER_REQUEST = 50;
/** Record ids per request when the fields beyond the first 50 are fetched for a page's records. */
export const ZOHO_IDS_PER_REQUEST = 100;

const fieldsSchema = z.object({
  fields: z.array(z.object({ api_name: z.string(), field_label: z.string().nullish(), display_label: z.string().nullish(), custom_field: z.boolean().nullish(), visible: z.boolean().nullish() }).passthrough()),
});
const recordSchema = z.object({ id: idSchema, Modified_Time: z.string().nullish() }).passthrough();
const listSchema = z.object({
  data: z.array(recordSchema),
  info: z.object({ more_records: z.boolean(), next_page_token: z.string().nullish(), page: z.number().optional() }),
});
const usersSchema = z.object({ users: z.array(z.object({ id: idSchema, status: z.string().nullish() }).passthrough()), info: z.object({ more_records: z.boolean() }) });
const tokenSchema = z.object({ access_token: z.string().optional(), error: z.string().optional() });
const deletedSchema = z.object({
  data: z.array(z.object({ id: idSchema, deleted_time: z.string().nullish() }).passthrough()),
  info: z.object({ more_records: z.boolean() }),
});

/** Zoho wants If-Modified-Since as ISO 8601 with an offset. */
const zohoTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

export default defineConnector({
  id: 'zoho',
  label: 'Zoho CRM',
  preset: 'zoho',
  entities: { Leads: 'leads', Contacts: 'contacts', Accounts: 'companies', Deals: 'deals', users: 'users' },
  defaultEntities: ['Leads', 'Contacts', 'Accounts', 'Deals', 'users'],
  rate: 10, // Zoho counts API credits per 24 h and concurrent calls, not requests per second
  env: [
    { name: 'ZOHO_TOKEN', doc: 'OAuth access token (expires after an hour: for cron, use the refresh token below)' },
    { name: 'ZOHO_REFRESH_TOKEN', doc: 'OAuth refresh token; with ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET, crmq gets access tokens itself' },
    { name: 'ZOHO_CLIENT_ID', doc: 'the client id of your Zoho API console client' },
    { name: 'ZOHO_CLIENT_SECRET', doc: 'its client secret' },
    { name: 'ZOHO_ACCOUNTS_URL', doc: 'accounts server of your data centre, default https://accounts.zoho.com' },
    { name: 'ZOHO_API_URL', doc: 'API domain of your data centre, default https://www.zohoapis.com (.eu, .in, .com.au, .jp, .ca, .sa)' },
  ],
  scopes: 'ZohoCRM.modules.READ (or ZohoCRM.modules.leads.READ, .contacts.READ, .accounts.READ, .deals.READ), ZohoCRM.settings.fields.READ (every field, custom ones too, from the field metadata) and ZohoCRM.users.READ',
  open(env, baseUrl) {
    const oauth = hasSecret(env, 'ZOHO_REFRESH_TOKEN')
      ? {
          refresh: readSecret(env, 'ZOHO_REFRESH_TOKEN', 'a Zoho OAuth refresh token'),
          id: readSecret(env, 'ZOHO_CLIENT_ID', 'the client id that issued the refresh token'),
          secret: readSecret(env, 'ZOHO_CLIENT_SECRET', 'its client secret'),
          accounts: trimSlash(optionalEnv(env, 'ZOHO_ACCOUNTS_URL') ?? 'https://accounts.zoho.com'),
        }
      : undefined;
    let token = oauth ? optionalEnv(env, 'ZOHO_TOKEN') : readSecret(env, 'ZOHO_TOKEN', 'a Zoho OAuth access token, or ZOHO_REFRESH_TOKEN with ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET');
    const base = trimSlash(baseUrl ?? optionalEnv(env, 'ZOHO_API_URL') ?? 'https://www.zohoapis.com');
    const auth = (since?: Date) => () => ({ authorization: `Zoho-oauthtoken ${token ?? ''}`, ...(since ? { 'if-modified-since': zohoTime(since) } : {}) });

    async function refresh(http: Http): Promise<void> {
      if (!oauth) return;
      const q = new URLSearchParams({ refresh_token: oauth.refresh, client_id: oauth.id, client_secret: oauth.secret, grant_type: 'refresh_token' });
      const what = 'POST /oauth/v2/token (refresh)';
      const a = await http.request({ method: 'POST', url: `${oauth.accounts}/oauth/v2/token?${q}`, what });
      // Zoho answers a bad refresh token with 200 and {"error": "invalid_code"}.
      const body = expectShape(tokenSchema, a, 'Zoho CRM', what);
      if (!body.access_token) throw new CrmqError(`Zoho CRM ${what}: refresh refused (${body.error ?? 'no access_token'}); check ZOHO_REFRESH_TOKEN, ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET`);
      addSecret(body.access_token);
      token = body.access_token;
    }

    async function get(http: Http, path: string, since: Date | undefined, what: string): Promise<Answer> {
      if (!token) await refresh(http);
      return http.request({ url: `${base}${path}`, headers: auth(since), what });
    }

    /**
     * Every field of a module, from its field metadata (once per pull), in requests of at most 50: the mapped ones
     * first; custom fields keep their label: "Favorite color [Favorite_Color]".
     */
    const schemas = new Map<string, { chunks: string[][]; labels: Map<string, string> }>();
    async function schemaOf(http: Http, module: string) {
      const cached = schemas.get(module);
      if (cached) return cached;
      const what = `GET /crm/v8/settings/fields?module=${module}`;
      const a = await get(http, `/crm/v8/settings/fields?module=${encodeURIComponent(module)}`, undefined, what);
      const listed = a.status === 204 ? [] : expectShape(fieldsSchema, a, 'Zoho CRM', what).fields.filter((f) => f.visible !== false);
      const names = new Set(listed.map((f) => f.api_name));
      // The mapped fields the org has (all of them if the metadata says nothing), then the others.
      const fields = [...new Set([...FIELDS[module].filter((f) => !names.size || names.has(f)), ...names])];
      const chunks: string[][] = [];
      for (let i = 0; i < fields.length; i += ZOHO_FIELDS_PER_REQUEST) chunks.push(fields.slice(i, i + ZOHO_FIELDS_PER_REQUEST));
      const labels = new Map(listed.filter((f) => f.custom_field && (f.field_label ?? f.display_label)).map((f) => [f.api_name, (f.field_label ?? f.display_label)!]));
      const schema = { chunks, labels };
      schemas.set(module, schema);
      return schema;
    }

    /** The fields beyond the first request's 50, for the records of a page, fetched by id and merged into them. */
    async function rest(http: Http, module: string, chunks: string[][], records: Record<string, unknown>[], page: number) {
      const byId = new Map(records.map((r) => [String(r.id), r]));
      const ids = [...byId.keys()];
      for (const [c, chunk] of chunks.entries()) {
        for (let i = 0; i < ids.length; i += ZOHO_IDS_PER_REQUEST) {
          const group = ids.slice(i, i + ZOHO_IDS_PER_REQUEST);
          const what = `GET /crm/v8/${module}?ids=…, page ${page} (fields ${c + 2}/${chunks.length + 1})`;
          const a = await get(http, `/crm/v8/${module}?${new URLSearchParams({ ids: group.join(','), fields: chunk.join(',') })}`, undefined, what);
          if (a.status === 204) continue; // deleted meanwhile
          for (const r of expectShape(listSchema, a, 'Zoho CRM', what).data) Object.assign(byId.get(r.id) ?? {}, r);
        }
      }
    }

    return {
      refresh: oauth ? refresh : undefined,
      classify(a: Answer): Verdict | undefined {
        const body = (a.json ?? {}) as { code?: string; message?: string };
        if (a.status === 304) return { kind: 'accept' };
        if (a.status === 400 && /page.?token/i.test(`${body.code} ${body.message}`)) {
          return { kind: 'fatal', message: `the page token was refused (${body.code}: ${body.message ?? ''}; tokens last 24 h); pull again without --resume, records already pulled are kept` };
        }
        const param = (body as { details?: { param_name?: string; limit?: number } }).details;
        if (body.code === 'LIMIT_EXCEEDED' && param?.param_name) {
          return { kind: 'fatal', message: `the request was refused: more than ${param.limit ?? 'the allowed number of'} values in ${param.param_name} (${body.code}: ${body.message ?? ''})` };
        }
        if (body.code === 'LIMIT_REACHED' || body.code === 'LIMIT_EXCEEDED') {
          return { kind: 'fatal', message: `the API credit limit is used up (${body.code}: ${body.message ?? ''}); committed pages are kept, run again later with --resume` };
        }
        if (a.status === 429 || body.code === 'TOO_MANY_REQUESTS') {
          const reset = Number(a.headers.get('x-ratelimit-reset'));
          return { kind: 'wait', ms: reset > Date.now() ? reset - Date.now() : undefined, why: `too many requests (${a.status}: ${body.code ?? ''})` };
        }
        return undefined;
      },

      async page(http, { entity: module, cursor, since, page }) {
        if (module === 'users') {
          const p = Number(cursor?.page ?? 1);
          const what = `GET /crm/v8/users, page ${page}`;
          const a = await get(http, `/crm/v8/users?type=AllUsers&per_page=200&page=${p}`, undefined, what);
          if (a.status === 204) return { records: [], body: a.text };
          const body = expectShape(usersSchema, a, 'Zoho CRM', what);
          const records: PulledRecord[] = body.users.map((u) => ({ id: u.id, data: { ...u, active: u.status === 'active' } }));
          return { records, next: body.info.more_records ? { page: p + 1 } : undefined, body: a.text };
        }
        if (!FIELDS[module]) throw new CrmqError(`Zoho CRM: no field list for module ${module}`);
        const { chunks, labels } = await schemaOf(http, module);
        // Sorted by id, which never changes: a record edited during the pull keeps its place in the listing.
        const q = new URLSearchParams({ fields: chunks[0].join(','), per_page: '200', sort_by: 'id', sort_order: 'asc' });
        if (cursor?.page_token) q.set('page_token', String(cursor.page_token));
        const what = `GET /crm/v8/${module}, page ${page}`;
        const a = await get(http, `/crm/v8/${module}?${q}`, since, what);
        if (a.status === 204 || a.status === 304) return { records: [], body: a.text };
        const body = expectShape(listSchema, a, 'Zoho CRM', what);
        const data = body.data as Record<string, unknown>[];
        if (chunks.length > 1) await rest(http, module, chunks.slice(1), data, page);
        const named = labels.size ? data.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [labels.has(k) ? `${labels.get(k)} [${k}]` : k, v]))) : data;
        const records: PulledRecord[] = body.data.map((r, i) => ({ id: r.id, updatedAt: r.Modified_Time ?? undefined, data: named[i] }));
        const next = body.info.more_records && body.info.next_page_token ? { page_token: body.info.next_page_token } : undefined;
        return { records, next, body: chunks.length > 1 || labels.size ? JSON.stringify({ ...(a.json as object), data: named }) : a.text };
      },

      async deleted(http, module, since) {
        if (module === 'users') return [];
        const ids: string[] = [];
        for (let page = 1; ; page++) {
          const what = `GET /crm/v8/${module}/deleted, page ${page}`;
          const a = await get(http, `/crm/v8/${module}/deleted?type=all&per_page=200&page=${page}`, since, what);
          if (a.status === 204 || a.status === 304) return ids;
          const body = expectShape(deletedSchema, a, 'Zoho CRM', what);
          ids.push(...body.data.map((r) => r.id));
          if (!body.info.more_records) return ids;
        }
      },
    };
  },
});
