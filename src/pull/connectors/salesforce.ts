// Salesforce REST query: SOQL ordered by LastModifiedDate, paged by `nextRecordsUrl`. The fields are every field the
// object's describe lists (custom ones, `…__c`, too); a query too long for a URL goes in the body of a Composite
// request. A query locator expires after about 15 idle minutes, so a resumed pull whose locator is gone restarts
// from the last modification time committed. Deleted records come from queryAll with IsDeleted = true (deletion
// moves SystemModstamp).
import { z } from 'zod';
import { CrmqError } from '../../errors.js';
import { defineConnector, expectShape, idSchema, isoSeconds, trimSlash, type PulledRecord } from '../connector.js';
import type { Answer, Http, Verdict } from '../http.js';
import { addSecret, hasSecret, optionalEnv, readSecret } from '../secrets.js';

/** The fields the presets map (relationship fields such as Owner.Name are not in a describe); the describe adds the rest. */
const FIELDS: Record<string, string[]> = {
  Account: ['Id', 'Name', 'Phone', 'Website', 'Industry', 'Type', 'NumberOfEmployees', 'AnnualRevenue', 'BillingCity', 'BillingCountry', 'OwnerId', 'Owner.Name', 'CreatedDate', 'LastModifiedDate'],
  Contact: ['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'MobilePhone', 'AccountId', 'Account.Name', 'Title', 'MailingCity', 'MailingCountry', 'LeadSource', 'OwnerId', 'Owner.Name', 'CreatedDate', 'LastModifiedDate'],
  Lead: ['Id', 'FirstName', 'LastName', 'Company', 'Email', 'Phone', 'MobilePhone', 'Status', 'LeadSource', 'ConvertedDate', 'ConvertedContactId', 'ConvertedOpportunityId', 'OwnerId', 'Owner.Name', 'CreatedDate', 'LastModifiedDate'],
  Opportunity: ['Id', 'Name', 'StageName', 'Amount', 'CloseDate', 'Probability', 'ForecastCategoryName', 'AccountId', 'Account.Name', 'LeadSource', 'OwnerId', 'Owner.Name', 'CreatedDate', 'LastModifiedDate'],
  Task: ['Id', 'Subject', 'Status', 'ActivityDate', 'WhoId', 'WhatId', 'TaskSubtype', 'CallDurationInSeconds', 'CallType', 'CallDisposition', 'CompletedDateTime', 'OwnerId', 'CreatedDate', 'LastModifiedDate'],
  Event: ['Id', 'Subject', 'ActivityDate', 'WhoId', 'WhatId', 'Type', 'DurationInMinutes', 'OwnerId', 'CreatedDate', 'LastModifiedDate'],
  User: ['Id', 'Name', 'Email', 'IsActive', 'Department', 'Title', 'CreatedDate', 'LastModifiedDate'],
};
/** Share of the org's 24-hour API allowance after which crmq stops, leaving the rest to other integrations. */
export const SALESFORCE_MAX_USAGE = 0.9;

/**
 * Longest query URL sent as a GET. Salesforce allows 16,384 bytes of URI and headers together and recommends URIs of
 * at most 2,000 characters (queries are expanded on the server); a longer query goes in a Composite request's body.
 */
export const SALESFORCE_URL_BUDGET = 2000;
/** Compound fields (their parts are fields of their own) and blobs (one record per query) are not queried. */
const SKIP_TYPES = new Set(['address', 'location', 'base64']);

const describeSchema = z.object({
  fields: z.array(z.object({ name: z.string(), label: z.string().nullish(), type: z.string().nullish(), custom: z.boolean().nullish(), deprecatedAndHidden: z.boolean().nullish(), relationshipName: z.string().nullish() }).passthrough()),
});
const compositeSchema = z.object({ compositeResponse: z.array(z.object({ body: z.unknown(), httpStatusCode: z.number() }).passthrough()).min(1) });

const querySchema = z.object({
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.object({ Id: idSchema, LastModifiedDate: z.string().optional() }).passthrough()),
});

export default defineConnector({
  id: 'salesforce',
  label: 'Salesforce',
  preset: 'salesforce',
  entities: { Account: 'companies', Contact: 'contacts', Lead: 'leads', Opportunity: 'deals', Task: 'activities', Event: 'activities', User: 'users' },
  defaultEntities: ['Account', 'Contact', 'Lead', 'Opportunity', 'User'],
  rate: 20, // no per-second limit; a 24-hour request allowance per org (see Sforce-Limit-Info)
  env: [
    { name: 'SALESFORCE_INSTANCE_URL', doc: 'https://<your-domain>.my.salesforce.com' },
    { name: 'SALESFORCE_TOKEN', doc: 'OAuth access token (session id; expires with the session: for cron, use the refresh token below)' },
    { name: 'SALESFORCE_REFRESH_TOKEN', doc: 'OAuth refresh token of a connected app; with SALESFORCE_CLIENT_ID (and SALESFORCE_CLIENT_SECRET), crmq gets access tokens itself' },
    { name: 'SALESFORCE_CLIENT_ID', doc: "the connected app's consumer key" },
    { name: 'SALESFORCE_CLIENT_SECRET', doc: 'its consumer secret, when the app requires it' },
    { name: 'SALESFORCE_LOGIN_URL', doc: 'where tokens are refreshed, default https://login.salesforce.com (test.salesforce.com for sandboxes)' },
    { name: 'SALESFORCE_API_VERSION', doc: 'REST API version, default v62.0' },
  ],
  scopes: 'OAuth scope "api"; the user needs Read on Account, Contact, Lead, Opportunity, Task and Event and "API Enabled" (fields the user cannot see are not in the describe and are not asked for)',
  open(env, baseUrl) {
    const oauth = hasSecret(env, 'SALESFORCE_REFRESH_TOKEN')
      ? {
          refresh: readSecret(env, 'SALESFORCE_REFRESH_TOKEN', 'a Salesforce OAuth refresh token'),
          id: readSecret(env, 'SALESFORCE_CLIENT_ID', "the connected app's consumer key"),
          secret: hasSecret(env, 'SALESFORCE_CLIENT_SECRET') ? readSecret(env, 'SALESFORCE_CLIENT_SECRET', 'its consumer secret') : undefined,
          login: trimSlash(optionalEnv(env, 'SALESFORCE_LOGIN_URL') ?? 'https://login.salesforce.com'),
        }
      : undefined;
    let token = oauth ? optionalEnv(env, 'SALESFORCE_TOKEN') : readSecret(env, 'SALESFORCE_TOKEN', 'a Salesforce OAuth access token, or SALESFORCE_REFRESH_TOKEN with SALESFORCE_CLIENT_ID');
    const base = trimSlash(baseUrl ?? readSecret(env, 'SALESFORCE_INSTANCE_URL', 'your My Domain URL'));
    const version = optionalEnv(env, 'SALESFORCE_API_VERSION') ?? 'v62.0';
    const headers = () => ({ authorization: `Bearer ${token ?? ''}` });

    async function refresh(http: Http): Promise<void> {
      if (!oauth) return;
      const what = 'POST /services/oauth2/token (refresh)';
      const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: oauth.refresh, client_id: oauth.id, ...(oauth.secret ? { client_secret: oauth.secret } : {}) };
      const a = await http.request({ method: 'POST', url: `${oauth.login}/services/oauth2/token`, form, what });
      const body = expectShape(z.object({ access_token: z.string() }), a, 'Salesforce', what);
      addSecret(body.access_token);
      token = body.access_token;
    }

    /**
     * Every queryable field of an object, from its describe (once per pull): the mapped ones first, then the rest;
     * custom fields (`…__c`) keep their label: "Favorite color [Favorite_Color__c]".
     */
    const schemas = new Map<string, { fields: string[]; labels: Map<string, string> }>();
    async function schemaOf(http: Http, object: string) {
      const cached = schemas.get(object);
      if (cached) return cached;
      const what = `GET /services/data/${version}/sobjects/${object}/describe`;
      if (!token) await refresh(http);
      const a = await http.request({ url: `${base}/services/data/${version}/sobjects/${object}/describe`, headers, what });
      const listed = expectShape(describeSchema, a, 'Salesforce', what).fields.filter((f) => !f.deprecatedAndHidden && !SKIP_TYPES.has(f.type ?? ''));
      const names = new Set(listed.map((f) => f.name));
      const relations = new Set(listed.map((f) => f.relationshipName).filter(Boolean));
      const mapped = FIELDS[object].filter((f) => (f.includes('.') ? relations.has(f.split('.')[0]) : names.has(f)));
      const fields = [...new Set(['Id', ...mapped, ...listed.map((f) => f.name)])];
      const labels = new Map(listed.filter((f) => f.custom && f.label && f.label !== f.name).map((f) => [f.name, f.label!]));
      const schema = { fields, labels };
      schemas.set(object, schema);
      return schema;
    }

    const soql = (fields: string[], object: string, since: Date | undefined, deleted: boolean) =>
      `SELECT ${deleted ? 'Id' : fields.join(', ')} FROM ${object}` +
      (deleted ? ` WHERE IsDeleted = true${since ? ` AND SystemModstamp >= ${isoSeconds(since)}` : ''}` : since ? ` WHERE LastModifiedDate >= ${isoSeconds(since)}` : '') +
      (deleted ? '' : ' ORDER BY LastModifiedDate, Id');

    async function get(http: Http, path: string, what: string) {
      if (!token) await refresh(http);
      const a = await http.request({ url: `${base}${path}`, headers, what });
      return { a, body: a.status < 300 ? expectShape(querySchema, a, 'Salesforce', what) : undefined };
    }

    /** A new query: a GET while its URL is short enough, else one subrequest of a Composite request (same answer, in its body). */
    async function query(http: Http, q: string, what: string) {
      const path = `/services/data/${version}/query?q=${encodeURIComponent(q)}`;
      if (path.length <= SALESFORCE_URL_BUDGET) return get(http, path, what);
      if (!token) await refresh(http);
      const composite = `POST /services/data/${version}/composite (${what})`;
      const a = await http.request({ method: 'POST', url: `${base}/services/data/${version}/composite`, headers, what: composite, body: { allOrNone: true, compositeRequest: [{ method: 'GET', url: path, referenceId: 'page' }] } });
      const sub = expectShape(compositeSchema, a, 'Salesforce', composite).compositeResponse[0];
      if (sub.httpStatusCode >= 300) {
        const err = Array.isArray(sub.body) ? (sub.body[0] as { errorCode?: string; message?: string }) : undefined;
        throw new CrmqError(`Salesforce ${composite}: the query was refused (${sub.httpStatusCode}${err?.errorCode ? ` ${err.errorCode}: ${err.message ?? ''}` : ''})`);
      }
      const body = expectShape(querySchema, { ...a, json: sub.body }, 'Salesforce', composite);
      return { a: { ...a, text: JSON.stringify(sub.body), json: sub.body }, body };
    }

    /** The API's records with their custom fields labelled, as the import reads them (and --save-raw keeps them). */
    function labelled(records: z.infer<typeof querySchema>['records'], labels: Map<string, string>): Record<string, unknown>[] {
      if (!labels.size) return records;
      return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [labels.has(k) ? `${labels.get(k)} [${k}]` : k, v])));
    }

    return {
      refresh: oauth ? refresh : undefined,
      classify(a: Answer): Verdict | undefined {
        const err = Array.isArray(a.json) ? (a.json[0] as { errorCode?: string; message?: string }) : undefined;
        if (err?.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
          return { kind: 'fatal', message: `the org's 24-hour API request limit is used up (REQUEST_LIMIT_EXCEEDED: ${err.message ?? ''}); committed pages are kept, run again later with --resume` };
        }
        if (err?.errorCode === 'INVALID_QUERY_LOCATOR') return { kind: 'accept' };
        const usage = /api-usage=(\d+)\/(\d+)/.exec(a.headers.get('sforce-limit-info') ?? '');
        if (a.status < 300 && usage && Number(usage[1]) >= SALESFORCE_MAX_USAGE * Number(usage[2])) {
          return {
            kind: 'fatal',
            message: `stopped at ${usage[1]} of the org's ${usage[2]} daily API requests (Sforce-Limit-Info), to leave the last ${Math.round((1 - SALESFORCE_MAX_USAGE) * 100)}% to other integrations; run again later with --resume`,
          };
        }
        return undefined;
      },

      async page(http, { entity: object, cursor, since, page }) {
        const what = `GET /services/data/${version}/query (${object}), page ${page}`;
        const { fields, labels } = await schemaOf(http, object);
        let { a, body } = cursor?.url ? await get(http, String(cursor.url), what) : await query(http, soql(fields, object, since, false), what);
        if (!body) {
          // The query locator expired: start again from the last modification time committed.
          const from = cursor?.watermark ? new Date(String(cursor.watermark)) : since;
          ({ a, body } = await query(http, soql(fields, object, from, false), `${what} (locator expired, restarted)`));
          if (!body) throw new CrmqError(`Salesforce ${what}: the restarted query was refused too (${a.status})`);
        }
        const data = labelled(body.records, labels);
        const records: PulledRecord[] = body.records.map((r, i) => ({ id: r.Id, updatedAt: r.LastModifiedDate, data: data[i] }));
        const watermark = records.at(-1)?.updatedAt ?? (cursor?.watermark as string | undefined) ?? null;
        const raw = labels.size ? JSON.stringify({ ...(a.json as object), records: data }) : a.text;
        return { records, next: body.done || !body.nextRecordsUrl ? undefined : { url: body.nextRecordsUrl, watermark }, body: raw };
      },

      async deleted(http, object, since) {
        if (object === 'User') return []; // users are deactivated, never deleted
        const ids: string[] = [];
        let path = `/services/data/${version}/queryAll?q=${encodeURIComponent(soql([], object, since, true))}`;
        for (let page = 1; ; page++) {
          const { body } = await get(http, path, `GET /services/data/${version}/queryAll (${object} deleted), page ${page}`);
          if (!body) return ids;
          ids.push(...body.records.map((r) => r.Id));
          if (body.done || !body.nextRecordsUrl) return ids;
          path = body.nextRecordsUrl;
        }
      },
    };
  },
});
