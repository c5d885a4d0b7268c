// Salesforce REST query: SOQL ordered by LastModifiedDate, paged by `nextRecordsUrl`. A query locator
// expires after about 15 idle minutes, so a resumed pull whose locator is gone restarts from the last
// modification time committed. Deleted records come from queryAll with IsDeleted = true (deletion moves SystemModstamp).
import { z } from 'zod';
import { CrmqError } from '../../errors.js';
import { defineConnector, expectShape, idSchema, isoSeconds, trimSlash, type PulledRecord } from '../connector.js';
import type { Answer, Http, Verdict } from '../http.js';
import { addSecret, hasSecret, optionalEnv, readSecret } from '../secrets.js';

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
  scopes: 'OAuth scope "api"; the user needs Read on Account, Contact, Lead, Opportunity, Task and Event and "API Enabled"',
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

    const soql = (object: string, since: Date | undefined, deleted: boolean) =>
      `SELECT ${deleted ? 'Id' : FIELDS[object].join(', ')} FROM ${object}` +
      (deleted ? ` WHERE IsDeleted = true${since ? ` AND SystemModstamp >= ${isoSeconds(since)}` : ''}` : since ? ` WHERE LastModifiedDate >= ${isoSeconds(since)}` : '') +
      (deleted ? '' : ' ORDER BY LastModifiedDate, Id');

    async function get(http: Http, path: string, what: string) {
      if (!token) await refresh(http);
      const a = await http.request({ url: `${base}${path}`, headers, what });
      return { a, body: a.status < 300 ? expectShape(querySchema, a, 'Salesforce', what) : undefined };
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
        let { a, body } = cursor?.url
          ? await get(http, String(cursor.url), what)
          : await get(http, `/services/data/${version}/query?q=${encodeURIComponent(soql(object, since, false))}`, what);
        if (!body) {
          // The query locator expired: start again from the last modification time committed.
          const from = cursor?.watermark ? new Date(String(cursor.watermark)) : since;
          ({ a, body } = await get(http, `/services/data/${version}/query?q=${encodeURIComponent(soql(object, from, false))}`, `${what} (locator expired, restarted)`));
          if (!body) throw new CrmqError(`Salesforce ${what}: the restarted query was refused too (${a.status})`);
        }
        const records: PulledRecord[] = body.records.map((r) => ({ id: r.Id, updatedAt: r.LastModifiedDate, data: r as Record<string, unknown> }));
        const watermark = records.at(-1)?.updatedAt ?? (cursor?.watermark as string | undefined) ?? null;
        return { records, next: body.done || !body.nextRecordsUrl ? undefined : { url: body.nextRecordsUrl, watermark }, body: a.text };
      },

      async deleted(http, object, since) {
        if (object === 'User') return []; // users are deactivated, never deleted
        const ids: string[] = [];
        let path = `/services/data/${version}/queryAll?q=${encodeURIComponent(soql(object, since, true))}`;
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
