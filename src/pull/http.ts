// One HTTP client for every connector: pacing, timeouts, bounded retries with backoff and jitter,
// the CRM's own rate-limit signals (via the connector's `classify`), and one-line errors that name
// the CRM, the endpoint and the page, with secrets redacted.
import { CrmqError } from '../errors.js';
import { redact } from './secrets.js';
import { sleep, type Throttle } from './throttle.js';
import { parseJsonText } from '../json-text.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; undefined when the body is empty. */
  json: unknown;
}

/** A connector's reading of an answer before the generic rules apply. */
export type Verdict =
  /** Rate limited or busy: wait (ms, else Retry-After or backoff) and retry. */
  | { kind: 'wait'; ms?: number; why: string }
  /** Stop with this message. */
  | { kind: 'fatal'; message: string }
  /** Hand the answer to the connector as it is (it knows what this error means). */
  | { kind: 'accept' }
  /** A good answer that says the budget is nearly spent: hold later requests this long. */
  | { kind: 'pause'; ms: number; why: string };

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: string;
  /** A function when they carry a token that a refresh may replace between attempts. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** A JSON body. */
  body?: unknown;
  /** A form body (application/x-www-form-urlencoded), as OAuth token endpoints take it. */
  form?: Record<string, string>;
  /** "GET /crm/v3/objects/contacts, page 3": how errors name this request. */
  what: string;
}

export interface HttpStats {
  requests: number;
  retries: number;
  /** Time spent waiting: pacing to the documented rate plus server-ordered waits and backoff (ms). */
  waitedMs: number;
  /** Time spent waiting for answers on the wire (ms). */
  networkMs: number;
}

export interface HttpOptions {
  crm: string;
  throttle: Throttle;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff step (ms); doubles per retry up to backoffMaxMs. */
  backoffMs: number;
  backoffMaxMs: number;
  /** Longest single server-ordered wait crmq sits out before giving up (ms). */
  maxWaitMs: number;
  classify?: (a: Answer) => Verdict | undefined;
  /** Gets a fresh access token (OAuth refresh); called once per request on a 401, which is then sent again. */
  refreshAuth?: () => Promise<void>;
  onWait?: (ms: number, why: string) => void;
  random?: () => number;
}

export interface Http {
  request(req: HttpRequest): Promise<Answer>;
  stats: HttpStats;
}

/** Retry-After as seconds or an HTTP date → ms from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

const excerpt = (text: string): string => {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const s = (title ?? text).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
};

/** The message a CRM put in its error body, whatever its shape. */
export function serverMessage(a: Answer): string {
  const j = a.json as Record<string, unknown> | unknown[] | undefined;
  const first = Array.isArray(j) ? (j[0] as Record<string, unknown>) : j;
  if (first && typeof first === 'object') {
    const parts = ['errorCode', 'error', 'code', 'errorType', 'message', 'error_description', 'title', 'detail']
      .map((k) => (first as Record<string, unknown>)[k])
      .filter((v) => typeof v === 'string' && v);
    if (parts.length) return [...new Set(parts as string[])].join(': ');
  }
  return excerpt(a.text) || `HTTP ${a.status}`;
}

function parseBody(text: string, contentType: string): { json?: unknown; bad?: string } {
  if (!text.trim()) return {};
  const looksHtml = /html/i.test(contentType) || /^\s*<(!doctype|html|head|body)/i.test(text);
  if (looksHtml) return { bad: `answered with an HTML page, not JSON ("${excerpt(text)}")` };
  try {
    return { json: parseJsonText(text) };
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    return { bad: `answered with invalid or truncated JSON (${text.length} bytes${at ? `, broken at byte ${at}` : ''})` };
  }
}

/**
 * Failures to reach a server at all. Before the server has answered once they are a wrong URL or a server that is
 * down, not a passing fault: one line at once, not minutes of retries. After it has answered they are retried.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']);

export function createHttp(o: HttpOptions): Http {
  const stats: HttpStats = { requests: 0, retries: 0, waitedMs: 0, networkMs: 0 };
  /** The server has answered at least once (with anything). */
  let answered = false;
  const random = o.random ?? Math.random;
  const fail = (what: string, message: string) => new CrmqError(redact(`${o.crm} ${what}: ${message}`));
  /** Exponential backoff with "equal jitter": half the step fixed, half random. */
  const backoff = (attempt: number) => {
    const step = Math.min(o.backoffMaxMs, o.backoffMs * 2 ** attempt);
    return step / 2 + random() * (step / 2);
  };

  async function request(req: HttpRequest): Promise<Answer> {
    let lastProblem = '';
    let refreshed = false;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw fail(req.what, `not a valid URL: ${req.url} (check the base URL)`);
    }
    if (url.username || url.password) {
      throw fail(req.what, `the URL ${url.protocol}//***@${url.host} has a user name or password in it; crmq sends credentials only from the CRM's token variables (README), never in a URL`);
    }
    for (let attempt = 0; ; attempt++) {
      if (attempt > o.maxRetries) throw fail(req.what, `gave up after ${o.maxRetries + 1} attempts; last: ${lastProblem}`);
      stats.waitedMs += await o.throttle.take();
      stats.requests++;
      if (attempt > 0) stats.retries++;
      const headers: Record<string, string> = { accept: 'application/json', ...(typeof req.headers === 'function' ? req.headers() : req.headers) };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      } else if (req.form) {
        body = new URLSearchParams(req.form).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      const t0 = performance.now();
      let res: Response;
      let text: string;
      try {
        res = await fetch(req.url, { method: req.method ?? 'GET', headers, body, signal: AbortSignal.timeout(o.timeoutMs) });
        text = await res.text();
      } catch (err) {
        stats.networkMs += performance.now() - t0;
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const code = e.cause?.code;
        // fetch refuses some ports outright ("bad port": 9, 25, 6000 …): no server there will ever answer it.
        const why = code ?? (/bad port/i.test(e.cause?.message ?? '') ? 'a port fetch refuses to use' : undefined);
        if (!answered && why && (UNREACHABLE.has(why) || !code)) throw fail(req.what, `cannot connect to ${url.host} (${why}); check the base URL and that the server is up`);
        lastProblem =
          e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs / 1000} s` : `cannot connect (${code ?? e.cause?.message ?? e.message})`;
        await wait(backoff(attempt), lastProblem);
        continue;
      }
      stats.networkMs += performance.now() - t0;
      answered = true;
      const parsed = parseBody(text, res.headers.get('content-type') ?? '');
      const answer: Answer = { status: res.status, headers: res.headers, text, json: parsed.json };
      const verdict = o.classify?.(answer);
      if (verdict?.kind === 'fatal') throw fail(req.what, verdict.message);
      if (verdict?.kind === 'accept') return answer;
      if (verdict?.kind === 'pause') {
        if (verdict.ms > o.maxWaitMs) throw fail(req.what, `${verdict.why}; that is more than --max-wait; run again later with --resume`);
        o.onWait?.(verdict.ms, verdict.why);
        o.throttle.pause(verdict.ms);
      }
      if (verdict?.kind === 'wait') {
        lastProblem = verdict.why;
        await wait(verdict.ms ?? retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt), verdict.why, req.what);
        continue;
      }
      if (res.status === 429) {
        lastProblem = `rate limited (429: ${serverMessage(answer)})`;
        await wait(retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt), lastProblem, req.what);
        continue;
      }
      if (res.status === 401 && o.refreshAuth && !refreshed) {
        // An expired access token: get a new one and send the same request again (not counted as a retry).
        refreshed = true;
        attempt--;
        await o.refreshAuth();
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw fail(req.what, `access refused (${res.status}: ${serverMessage(answer)}); check the token and its scopes (README, "Pulling from a CRM")`);
      }
      if (res.status >= 500 || res.status === 408) {
        lastProblem = `server error (${res.status}: ${serverMessage(answer)})`;
        await wait(retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt), lastProblem, req.what);
        continue;
      }
      if (res.status >= 400) throw fail(req.what, `request refused (${res.status}: ${serverMessage(answer)})`);
      if (parsed.bad) {
        // A cut connection can truncate a body: worth retrying, but not forever.
        lastProblem = parsed.bad;
        await wait(backoff(attempt), lastProblem);
        continue;
      }
      return answer;
    }
  }

  async function wait(ms: number, why: string, what?: string): Promise<void> {
    if (ms > o.maxWaitMs) throw new CrmqError(redact(`${o.crm} ${what ?? ''}: ${why}; the server asks to wait ${Math.ceil(ms / 1000)} s, more than --max-wait; run again later with --resume`));
    o.onWait?.(ms, redact(why));
    o.throttle.pause(ms);
    stats.waitedMs += ms;
    await sleep(ms);
  }

  return { request, stats };
}
