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
}).passthrough();
const ownersSchema = z.object({
  results: z.array(z.object({ id: idSchema, email: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish(), updatedAt: z.string().optional() }).passthrough()),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const propertiesSchema = z.object({ results: z.array(z.object({ name: z.string(), label: z.string().nullish(), hubspotDefined: z.boolean().nullish() }).passthrough()) });
const associationsSchema = z.object({
  results: z.array(z.object({ from: z.object({ id: idSchema }), to: z.array(z.object({ toObjectId: idSchema, associationTypes: z.array(z.object({ typeId: z.number().nullish(), label: z.string().nullish() }).passthrough()).nullish() }).passthrough()) })),
});
/** Properties per list request, in characters, so the URL stays well under the servers' limits. */
const URL_PROPERTIES = 6000;
/** The objects each kind links to (v4 associations), read for every page (a contact's company is its associatedcompanyid). */
const ASSOCIATIONS: Record<string, string[]> = {
  deals: ['contacts', 'companies'], calls: ['contacts', 'companies', 'deals'], tasks: ['contacts', 'companies', 'deals'], meetings: ['contacts', 'companies', 'deals'],
};
const listSchema = z.object({
  results: z.array(objectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

function toRecord(type: string, o: z.infer<typeof objectSchema>, raw: Record<string, unknown>): PulledRecord {
  raw.properties = { ...(raw.properties as Record<string, unknown>) };
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
  scopes: 'crm.objects.contacts.read, crm.objects.companies.read, crm.objects.deals.read, crm.schemas.contacts.read, crm.schemas.companies.read, crm.schemas.deals.read (every property, from the properties API), crm.objects.owners.read (owners → users); calls, tasks and meetings are read with crm.objects.contacts.read',
  open(env, baseUrl) {
    const token = readSecret(env, 'HUBSPOT_TOKEN', 'a HubSpot private app token');
    const base = trimSlash(baseUrl ?? optionalEnv(env, 'HUBSPOT_BASE_URL') ?? 'https://api.hubapi.com');
    const headers = { authorization: `Bearer ${token}` };

    /** Every property of an object type (the API returns only the properties asked for): the properties API's list. */
    const schemas = new Map<string, { names: string[]; labels: Map<string, string> }>();
    async function propertiesOf(http: Http, type: string) {
      const cached = schemas.get(type);
      if (cached) return cached;
      const what = `GET /crm/v3/properties/${type}`;
      const a = await http.request({ url: `${base}/crm/v3/properties/${type}`, headers, what });
      const body = expectShape(propertiesSchema, a, 'HubSpot', what);
      const names = [...new Set([...PROPS[type], ...body.results.map((p) => p.name)])];
      // Custom properties (not HubSpot's own) keep their label next to their name: "Favorite color [favorite_color]".
      const labels = new Map(body.results.filter((p) => p.hubspotDefined !== true && p.label && p.label !== p.name).map((p) => [p.name, p.label!]));
      const schema = { names, labels };
      schemas.set(type, schema);
      return schema;
    }

    /** A list page with every property; long property lists go in several requests (URL length) merged by id. */
    async function list(http: Http, type: string, archived: boolean, after: string | undefined, page: number) {
      const names = archived ? ['hs_object_id'] : (await propertiesOf(http, type)).names;
      const chunks: string[][] = [[]];
      for (const n of names) {
        const last = chunks[chunks.length - 1];
        if (last.length && [...last, n].join(',').length > URL_PROPERTIES) chunks.push([n]);
        else last.push(n);
      }
      let first: { a: Answer; body: z.infer<typeof listSchema> } | undefined;
      for (const [i, chunk] of chunks.entries()) {
        const q = new URLSearchParams({ limit: '100', archived: String(archived), properties: chunk.join(',') });
        if (after) q.set('after', after);
        const what = `GET /crm/v3/objects/${type}${archived ? '?archived=true' : ''}, page ${page}${chunks.length > 1 ? ` (properties ${i + 1}/${chunks.length})` : ''}`;
        const a = await http.request({ url: `${base}/crm/v3/objects/${type}?${q}`, headers, what });
        const body = expectShape(listSchema, a, 'HubSpot', what);
        if (!first) first = { a, body };
        else {
          const more = new Map(body.results.map((o) => [o.id, o.properties]));
          for (const o of first.body.results) Object.assign(o.properties, more.get(o.id) ?? {});
        }
      }
      return first!;
    }

    /** Records with their custom properties labelled, and, for the kinds that link to others, their associations. */
    async function records(http: Http, type: string, results: z.infer<typeof listSchema>['results']): Promise<PulledRecord[]> {
      const { labels } = await propertiesOf(http, type);
      const out = results.map((o) => {
        const properties: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o.properties)) properties[labels.has(k) ? `${labels.get(k)} [${k}]` : k] = v;
        return toRecord(type, o, { ...o, properties });
      });
      const kinds = ASSOCIATIONS[type] ?? [];
      for (const to of kinds) {
        if (!out.length) break;
        const what = `POST /crm/v4/associations/${type}/${to}/batch/read`;
        const a = await http.request({ method: 'POST', url: `${base}/crm/v4/associations/${type}/${to}/batch/read`, headers, what, body: { inputs: out.map((r) => ({ id: r.id })) } });
        const body = expectShape(associationsSchema, a, 'HubSpot', what);
        const byId = new Map(body.results.map((r) => [r.from.id, r.to.map((t) => ({ id: t.toObjectId, type: t.associationTypes?.[0]?.label ?? t.associationTypes?.[0]?.typeId ?? null }))]));
        for (const r of out) {
          const found = byId.get(r.id);
          if (!found?.length) continue;
          const assoc = ((r.data.associations as Record<string, unknown> | undefined) ?? {});
          r.data.associations = { ...assoc, [to]: { results: found } };
        }
      }
      return out;
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
          const { body } = await list(http, type, false, cursor?.after as string | undefined, page);
          const next = body.paging?.next?.after;
          const recs = await records(http, type, body.results);
          return { records: recs, next: next ? { after: next } : undefined, body: JSON.stringify({ ...body, results: recs.map((r) => r.data) }) };
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
          body: { filterGroups: [{ filters }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: (await propertiesOf(http, type)).names, limit: 100 },
        });
        const body = expectShape(listSchema, a, 'HubSpot', what);
        const recs = await records(http, type, body.results);
        const last = recs.at(-1);
        const next: Cursor | undefined = body.paging?.next && last ? { since: sinceMs, afterId: last.id } : undefined;
        return { records: recs, next, body: JSON.stringify({ ...body, results: recs.map((r) => r.data) }) };
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
