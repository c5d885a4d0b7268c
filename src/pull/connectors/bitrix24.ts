// Bitrix24 REST through an inbound webhook (or an OAuth token): crm.<entity>.list with multi-fields
// (PHONE, EMAIL, WEB) and user fields selected explicitly. Pages use Bitrix24's documented fast mode for
// large portals: order by ID, filter ">ID" past the last id committed, start = -1 (no row count), 50 per page —
// stable while records change, unlike start/next offsets. Stage history comes from crm.stagehistory.list.
import { z } from 'zod';
import { defineConnector, expectShape, idSchema, trimSlash, type Page, type PulledRecord } from '../connector.js';
import type { Answer, Verdict } from '../http.js';
import { hasSecret, readSecret } from '../secrets.js';

interface Method {
  method: string;
  select: string[];
  /** Field holding the last modification, for incremental pulls. */
  modified: string;
  /** crm.stagehistory.list answers result.items[] and needs entityTypeId. */
  params?: Record<string, unknown>;
}

const METHODS: Record<string, Method> = {
  leads: { method: 'crm.lead.list', select: ['*', 'PHONE', 'EMAIL', 'UF_*'], modified: 'DATE_MODIFY' },
  contacts: { method: 'crm.contact.list', select: ['*', 'PHONE', 'EMAIL', 'UF_*'], modified: 'DATE_MODIFY' },
  companies: { method: 'crm.company.list', select: ['*', 'PHONE', 'EMAIL', 'WEB', 'UF_*'], modified: 'DATE_MODIFY' },
  deals: { method: 'crm.deal.list', select: ['*', 'UF_*'], modified: 'DATE_MODIFY' },
  activities: { method: 'crm.activity.list', select: ['*'], modified: 'LAST_UPDATED' },
  stagehistory: { method: 'crm.stagehistory.list', select: ['ID', 'OWNER_ID', 'STAGE_ID', 'CATEGORY_ID', 'STAGE_SEMANTIC_ID', 'CREATED_TIME'], modified: 'CREATED_TIME', params: { entityTypeId: 2 } },
};
/** Bitrix24 returns at most 50 records per list call. */
export const BITRIX24_PAGE = 50;
/** Seconds of method running time allowed per 10 minutes before Bitrix24 blocks the method. */
const OPERATING_LIMIT = 480;

const recordSchema = z.object({ ID: idSchema }).passthrough();
const listSchema = z.object({
  result: z.union([z.array(recordSchema), z.object({ items: z.array(recordSchema) })]),
  time: z.object({ operating: z.number().optional(), operating_reset_at: z.number().optional() }).passthrough().optional(),
});

const usersSchema = z.object({
  result: z.array(z.object({ ID: idSchema, NAME: z.string().nullish(), LAST_NAME: z.string().nullish(), EMAIL: z.string().nullish() }).passthrough()),
  next: z.number().optional(),
});

/** Bitrix24 filters take the portal's local time with an offset; UTC with +00:00 means the same instant. */
const b24Time = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

export default defineConnector({
  id: 'bitrix24',
  label: 'Bitrix24',
  preset: 'bitrix24',
  entities: { leads: 'leads', contacts: 'contacts', companies: 'companies', deals: 'deals', activities: 'activities', stagehistory: 'deal_stage_history', users: 'users' },
  defaultEntities: ['leads', 'contacts', 'companies', 'deals', 'users'],
  rate: 2, // leaky bucket: 2 requests per second after a burst of 50 (5 and 250 on Enterprise)
  env: [
    { name: 'BITRIX24_WEBHOOK_URL', doc: 'inbound webhook, https://<portal>.bitrix24.ru/rest/<user>/<key>/ (a secret: it holds the key)' },
    { name: 'BITRIX24_URL', doc: 'with an OAuth app instead: https://<portal>.bitrix24.ru/rest/' },
    { name: 'BITRIX24_TOKEN', doc: 'with an OAuth app: its access token' },
  ],
  scopes: 'webhook or app permissions "crm" (CRM) and "user_brief" (users, for owner names); the webhook\'s user must see every record',
  open(env, baseUrl) {
    let base: string;
    let auth: string | undefined;
    if (hasSecret(env, 'BITRIX24_TOKEN')) {
      auth = readSecret(env, 'BITRIX24_TOKEN', 'a Bitrix24 OAuth access token');
      base = trimSlash(baseUrl ?? readSecret(env, 'BITRIX24_URL', 'your portal REST URL'));
    } else {
      base = trimSlash(baseUrl ?? readSecret(env, 'BITRIX24_WEBHOOK_URL', 'an inbound webhook URL with the crm permission'));
    }
    let operatingResetAt: number | undefined;
    return {
      classify(a: Answer): Verdict | undefined {
        const body = (a.json ?? {}) as { error?: string; error_description?: string; time?: { operating?: number; operating_reset_at?: number } };
        if (body.time?.operating_reset_at) operatingResetAt = body.time.operating_reset_at * 1000;
        if (body.error === 'QUERY_LIMIT_EXCEEDED') return { kind: 'wait', ms: 1000, why: `request rate limit (${a.status} QUERY_LIMIT_EXCEEDED)` };
        if (body.error === 'OPERATION_TIME_LIMIT') {
          const ms = operatingResetAt && operatingResetAt > Date.now() ? operatingResetAt - Date.now() : 60_000;
          return { kind: 'wait', ms, why: `method blocked for its running time (${a.status} OPERATION_TIME_LIMIT)` };
        }
        if (body.error === 'expired_token' || body.error === 'invalid_token' || body.error === 'NO_AUTH_FOUND' || body.error === 'INVALID_CREDENTIALS') {
          return { kind: 'fatal', message: `access refused (${a.status} ${body.error}: ${body.error_description ?? ''}); check BITRIX24_WEBHOOK_URL or BITRIX24_TOKEN` };
        }
        if (body.error === 'insufficient_scope' || body.error === 'ACCESS_DENIED') {
          return { kind: 'fatal', message: `access refused (${a.status} ${body.error}: ${body.error_description ?? ''}); the webhook or app needs the "crm" permission` };
        }
        if (body.error && a.status < 500) return { kind: 'fatal', message: `request refused (${a.status} ${body.error}: ${body.error_description ?? ''})` };
        // Close to the running-time block: hold off until part of the budget is released.
        const op = body.time?.operating;
        if (a.status < 300 && op && op > 0.8 * OPERATING_LIMIT && operatingResetAt && operatingResetAt > Date.now()) {
          return { kind: 'pause', ms: operatingResetAt - Date.now(), why: `method used ${Math.round(op)} of ${OPERATING_LIMIT} s of running time per 10 min` };
        }
        return undefined;
      },

      async page(http, { entity, cursor, since, page }): Promise<Page> {
        if (entity === 'users') {
          // user.get pages by `start` in ID order; users are deactivated, never deleted, so offsets do not shift.
          const start = Number(cursor?.start ?? 0);
          const what = `user.get (start ${start}), page ${page}`;
          const a = await http.request({ method: 'POST', url: `${base}/user.get.json`, what, body: { ...(auth ? { auth } : {}), sort: 'ID', order: 'ASC', start } });
          const body = expectShape(usersSchema, a, 'Bitrix24', what);
          const records: PulledRecord[] = body.result.map((u) => ({ id: u.ID, data: { ...u, FULL_NAME: [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL || u.ID } }));
          return { records, next: body.next ? { start: body.next } : undefined, body: a.text };
        }
        const m = METHODS[entity];
        const afterId = Number(cursor?.afterId ?? 0);
        const filter: Record<string, unknown> = { '>ID': afterId };
        if (since) filter[`>=${m.modified}`] = b24Time(since);
        const what = `${m.method} (ID > ${afterId}), page ${page}`;
        const a = await http.request({
          method: 'POST', url: `${base}/${m.method}.json`, what,
          body: { ...m.params, ...(auth ? { auth } : {}), select: m.select, filter, order: { ID: 'ASC' }, start: -1 },
        });
        const body = expectShape(listSchema, a, 'Bitrix24', what);
        const rows = Array.isArray(body.result) ? body.result : body.result.items;
        const records: PulledRecord[] = rows.map((r) => ({ id: r.ID, updatedAt: (r[m.modified] as string | undefined) ?? undefined, data: r as Record<string, unknown> }));
        const last = records.at(-1);
        return { records, next: records.length >= BITRIX24_PAGE && last ? { afterId: Number(last.id) } : undefined, body: a.text };
      },
    };
  },
});
