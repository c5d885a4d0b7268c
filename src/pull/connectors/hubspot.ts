// HubSpot CRM v3 objects. Full pulls list /crm/v3/objects/<type> by `paging.next.after` (id order); incremental
// pulls use the search endpoint filtered by last modification and paged by id (hs_object_id > last id), so
// neither the 10,000-result cap of a search nor records changing meanwhile lose anything. Archived records are the deletions.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, trimSlash, type Cursor, type Page, type PulledRecord } from '../connector.js';
import type { Answer, Http, Verdict } from '../http.js';
import { readSecret, optionalEnv } from '../secrets.js';

const PROPS: Record<string, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'hs_additional_emails', 'phone', 'mobilephone', 'company', 'associatedcompanyid', 'jobtitle', 'city', 'country', 'lifecyclestage', 'hs_analytics_source', 'hubspot_owner_id', 'createdate', 'lastmodifieddate'],
  companies: ['name', 'domain', 'phone', 'industry', 'type', 'city', 'country', 'numberofemployees', 'annualrevenue', 'hubspot_owner_id', 'createdate', 'hs_lastmodifieddate'],
  deals: ['dealname', 'amount', 'deal_currency_code', 'dealstage', 'pipeline', 'closedate', 'hs_deal_stage_probability', 'closed_lost_reason', 'hs_analytics_source', 'hubspot_owner_id', 'createdate', 'hs_lastmodifieddate'],
  calls: ['hs_call_title', 'hs_call_direction', 'hs_call_status', 'hs_call_disposition', 'hs_call_duration', 'hs_timestamp', 'hs_activity_type', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate'],
  tasks: ['hs_task_subject', 'hs_task_status', 'hs_timestamp', 'hs_task_completion_date', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate'],
  meetings: ['hs_meeting_title', 'hs_meeting_outcome', 'hs_meeting_start_time', 'hs_activity_type', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate'],
};
const KIND: Record<string, string> = { calls: 'call', tasks: 'task', meetings: 'meeting' };
const modified = (type: string) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

const objectSchema = z.object({
  id: idSchema,
  properties: z.record(z.string(), z.unknown()),
  updatedAt: z.string().optional(),
  archivedAt: z.string().optional(),
});
const ownersSchema = z.object({
  results: z.array(z.object({ id: idSchema, email: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish(), updatedAt: z.string().optional() }).passthrough()),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const listSchema = z.object({
  results: z.array(objectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

function toRecord(type: string, o: z.infer<typeof objectSchema>, raw: Record<string, unknown>): PulledRecord {
  const props = raw.properties as Record<string, unknown>;
  if (KIND[type] && !props.hs_activity_type) props.hs_activity_type = KIND[type];
  if (type === 'meetings') {
    props.hs_call_title ??= props.hs_meeting_title;
    props.hs_call_disposition ??= props.hs_meeting_outcome;
  }
  return { id: o.id, updatedAt: (o.properties[modified(type)] as string | undefined) ?? o.updatedAt, data: raw };
}

export default defineConnector({
  id: 'hubspot',
  label: 'HubSpot',
  preset: 'hubspot',
  entities: { contacts: 'contacts', companies: 'companies', deals: 'deals', calls: 'activities', tasks: 'activities', meetings: 'activities', users: 'users' },
  defaultEntities: ['contacts', 'companies', 'deals', 'users'],
  rate: 10, // private apps: 100 requests per 10 s on Free/Starter (190 on Pro/Enterprise)
  incrementalRate: 5, // the search endpoints: 5 requests per second per token
  env: [
    { name: 'HUBSPOT_TOKEN', doc: 'private app access token (pat-…)' },
    { name: 'HUBSPOT_BASE_URL', doc: 'API base, default https://api.hubapi.com' },
  ],
  scopes: 'crm.objects.contacts.read, crm.objects.companies.read, crm.objects.deals.read, crm.objects.owners.read (owners → users); calls, tasks and meetings are read with crm.objects.contacts.read',
  open(env, baseUrl) {
    const token = readSecret(env, 'HUBSPOT_TOKEN', 'a HubSpot private app token');
    const base = trimSlash(baseUrl ?? optionalEnv(env, 'HUBSPOT_BASE_URL') ?? 'https://api.hubapi.com');
    const headers = { authorization: `Bearer ${token}` };

    async function list(http: Http, type: string, archived: boolean, after: string | undefined, page: number) {
      const q = new URLSearchParams({ limit: '100', archived: String(archived), properties: PROPS[type].join(',') });
      if (after) q.set('after', after);
      const what = `GET /crm/v3/objects/${type}${archived ? '?archived=true' : ''}, page ${page}`;
      const a = await http.request({ url: `${base}/crm/v3/objects/${type}?${q}`, headers, what });
      return { a, body: expectShape(listSchema, a, 'HubSpot', what) };
    }

    return {
      classify(a: Answer): Verdict | undefined {
        if (a.status !== 429) return undefined;
        const body = (a.json ?? {}) as { policyName?: string; message?: string };
        if (body.policyName === 'DAILY') return { kind: 'fatal', message: `the daily API limit is used up (429, policy DAILY: ${body.message ?? ''}); committed pages are kept, run again tomorrow with --resume` };
        const interval = Number(a.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
        return { kind: 'wait', ms: Number(a.headers.get('retry-after')) * 1000 || (interval > 0 && interval <= 10_000 ? interval : undefined), why: `rate limited (429, policy ${body.policyName ?? 'unknown'})` };
      },

      async page(http, { entity: type, cursor, since, page }): Promise<Page> {
        if (type === 'users') {
          // Owners: the active ones, then the deactivated ones (archived=true). An owner's id is what hubspot_owner_id holds.
          const archived = cursor?.archived === true;
          const q = new URLSearchParams({ limit: '100', archived: String(archived) });
          if (cursor?.after) q.set('after', String(cursor.after));
          const what = `GET /crm/v3/owners${archived ? '?archived=true' : ''}, page ${page}`;
          const a = await http.request({ url: `${base}/crm/v3/owners?${q}`, headers, what });
          const body = expectShape(ownersSchema, a, 'HubSpot', what);
          const records: PulledRecord[] = body.results.map((o) => ({ id: o.id, updatedAt: o.updatedAt, data: { ...o, name: [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email, active: !archived } }));
          const after = body.paging?.next?.after;
          return { records, next: after ? { archived, after } : archived ? undefined : { archived: true }, body: a.text };
        }
        const sinceMs = cursor?.since !== undefined ? Number(cursor.since) : since?.getTime();
        if (sinceMs === undefined) {
          const { a, body } = await list(http, type, false, cursor?.after as string | undefined, page);
          const raw = (a.json as { results: Record<string, unknown>[] }).results;
          const next = body.paging?.next?.after;
          return { records: body.results.map((o, i) => toRecord(type, o, raw[i])), next: next ? { after: next } : undefined, body: a.text };
        }
        // Incremental: search for records changed since then, keyset by id (hs_object_id > the last id read, sorted
        // by id): no offsets, so the 10,000-result cap of one search never applies and a record that changes
        // meanwhile cannot shift others past a page (records edited after being read come in the next pull).
        const afterId = cursor?.afterId !== undefined ? String(cursor.afterId) : undefined;
        const what = `POST /crm/v3/objects/${type}/search, page ${page}`;
        const filters = [{ propertyName: modified(type), operator: 'GTE', value: String(sinceMs) }];
        if (afterId) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: afterId });
        const a = await http.request({
          method: 'POST', url: `${base}/crm/v3/objects/${type}/search`, headers, what,
          body: { filterGroups: [{ filters }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: PROPS[type], limit: 100 },
        });
        const body = expectShape(listSchema, a, 'HubSpot', what);
        const raw = (a.json as { results: Record<string, unknown>[] }).results;
        const records = body.results.map((o, i) => toRecord(type, o, raw[i]));
        const last = records.at(-1);
        const next: Cursor | undefined = body.paging?.next && last ? { since: sinceMs, afterId: last.id } : undefined;
        return { records, next, body: a.text };
      },

      async deleted(http, type, since) {
        if (type === 'users') return [];
        const ids: string[] = [];
        let after: string | undefined;
        for (let page = 1; ; page++) {
          const { body } = await list(http, type, true, after, page);
          for (const o of body.results) if (!since || !o.archivedAt || Date.parse(o.archivedAt) >= since.getTime()) ids.push(o.id);
          after = body.paging?.next?.after;
          if (!after) return ids;
        }
      },
    };
  },
});
