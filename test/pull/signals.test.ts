// Each CRM's own limit signals, timeouts, unreachable APIs, secrets, raw pages and the CLI around `crmq pull`.
// HubSpot's search cap (10,150 records) is in search-cap.heavy.test.ts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor, type Fault } from '../../fixtures/api/index.js';
import { openDb, type Db } from '../../src/db/database.js';
import { createHttp, retryAfterMs } from '../../src/pull/http.js';
import { pull, type PullOptions } from '../../src/pull/pull.js';
import { redact } from '../../src/pull/secrets.js';
import { createThrottle } from '../../src/pull/throttle.js';
import { BIN, cli, tmp } from '../helpers.js';

const TOKEN = 'pat-na1-5c1e0d2a-77f1-4c55-9e0b-3c2d1f00aa11';

async function setup(crm: string, entity: string, n: number, o: { faults?: Fault[]; state?: Record<string, unknown>; pageSize?: number } = {}) {
  const store = storeFor(crm, { [entity]: n });
  const em = await startCrm(crm, { token: TOKEN, store, pageSize: o.pageSize ?? (crm === 'bitrix24' ? 50 : 20), faults: o.faults, state: o.state });
  const dir = tmp();
  const db = await openDb(join(dir, 'crm.duckdb'));
  const run = (extra: Partial<PullOptions> = {}) =>
    pull(db, { crm, source: crm, entities: [entity], env: envFor(crm, em.url, TOKEN), rate: 500, backoffMs: 5, retries: 3, ...extra });
  return { em, store, db, dir, run, close: async () => (db.close(), await em.close()) };
}

const total = async (db: Db, table = 'contacts') => (await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0].n;

describe('rate-limit signals in each CRM dialect', () => {
  it("HubSpot: the DAILY policy stops at once with what to do, keeping what was committed", async () => {
    // Request 1 asks the properties API for every contact property; 2 and 3 are pages 1 and 2.
    const s = await setup('hubspot', 'contacts', 60, { faults: [{ kind: 'rate-limit', at: 3, times: Infinity }], state: { ratePolicy: 'DAILY' } });
    try {
      const err = (await s.run().catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/^HubSpot GET \/crm\/v3\/objects\/contacts, page 2: the daily API limit is used up .*--resume/);
      expect(s.em.requests).toBe(3); // no retries against a daily limit
      expect(await total(s.db)).toBe(20);
    } finally {
      await s.close();
    }
  });

  it('Salesforce: 403 REQUEST_LIMIT_EXCEEDED stops without retrying', async () => {
    // Request 1 is the describe; 2–4 are pages 1–3.
    const s = await setup('salesforce', 'Contact', 60, { faults: [{ kind: 'rate-limit', at: 4, times: Infinity }] });
    try {
      const err = (await s.run().catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/Salesforce .*page 3: the org's 24-hour API request limit is used up \(REQUEST_LIMIT_EXCEEDED/);
      expect(s.em.requests).toBe(4);
      expect(await total(s.db)).toBe(40);
    } finally {
      await s.close();
    }
  });

  it('Salesforce: stops by itself at 90% of the daily allowance read from Sforce-Limit-Info', async () => {
    // 895 of 1,000 used before the pull: the 5th request's answer (the describe, then pages 1–4) reports 900 (90%).
    const s = await setup('salesforce', 'Contact', 200, { state: { dailyLimit: 1000, usedBefore: 895 } });
    try {
      const err = (await s.run().catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/stopped at 900 of the org's 1000 daily API requests \(Sforce-Limit-Info\)/);
      expect(await total(s.db)).toBe(60);
    } finally {
      await s.close();
    }
  });

  it('Pipedrive: waits for x-ratelimit-reset after a 429, and pauses by itself when a window is used up', async () => {
    const s = await setup('pipedrive', 'persons', 60, { faults: [{ kind: 'rate-limit', at: 2 }] });
    try {
      const [r] = await s.run();
      expect(r.retries).toBe(1);
      expect(r.waitedMs).toBeGreaterThanOrEqual(1000); // x-ratelimit-reset: 1 (second)
      expect(await total(s.db)).toBe(60);
    } finally {
      await s.close();
    }
  });

  it('Bitrix24: 503 QUERY_LIMIT_EXCEEDED waits a second; a method near its running-time budget pauses until operating_reset_at', async () => {
    const s = await setup('bitrix24', 'contacts', 120, { faults: [{ kind: 'rate-limit', at: 1 }], state: { operating: 400, resetIn: 2 } });
    try {
      const events: string[] = [];
      const [r] = await s.run({ onEvent: (e) => e.type === 'wait' && events.push(e.why) });
      expect(events[0]).toMatch(/QUERY_LIMIT_EXCEEDED/);
      expect(events.some((w) => /used 400 of 480 s of running time/.test(w))).toBe(true);
      expect(r.waitedMs).toBeGreaterThanOrEqual(1900);
      expect(await total(s.db)).toBe(120);
    } finally {
      await s.close();
    }
  });

  it('Pipedrive: pauses by itself when an answer says the window is used up (x-ratelimit-remaining 0)', async () => {
    const s = await setup('pipedrive', 'persons', 30, { state: { remaining: 0 } });
    try {
      const events: string[] = [];
      const [r] = await s.run({ onEvent: (e) => e.type === 'wait' && events.push(e.why) });
      expect(events[0]).toMatch(/x-ratelimit-remaining 0/);
      expect(r.retries).toBe(0);
      expect(r.waitedMs).toBeGreaterThanOrEqual(1900); // x-ratelimit-reset: 2 (seconds), before page 2
    } finally {
      await s.close();
    }
  });

  it.each([
    ['amoCRM', '204 without a body', 'amocrm', 'contacts'],
    ['Zoho', '304 Not Modified', 'zoho', 'Contacts'],
  ])('%s: nothing changed since the last pull is a %s, not an error', async (_label, _answer, crm, entity) => {
    const s = await setup(crm, entity, 30);
    try {
      await s.run();
      const [r] = await s.run();
      expect(r).toMatchObject({ mode: 'incremental', records: 0, pages: 1 });
      expect(await total(s.db)).toBe(30);
    } finally {
      await s.close();
    }
  });
});

describe('faults on the wire', () => {
  it('a failure after the last page (in the deletion listing) resumes with the deletion listing only', async () => {
    const s = await setup('hubspot', 'contacts', 70, { faults: [{ kind: 'server-error', at: 6, times: Infinity }] }); // 1: properties, 2–5: pages
    try {
      s.store.remove('contacts', s.store.list('contacts')[3].id);
      const err = (await s.run({ retries: 1 }).catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/archived=true, page 1: gave up after 2 attempts; last: server error \(500/);
      expect(await total(s.db)).toBe(69);
      s.em.faults.length = 0;
      const before = s.em.requests;
      const [r] = await s.run({ resume: true });
      expect(s.em.requests - before).toBe(1);
      expect(r).toMatchObject({ mode: 'resumed', pages: 0, deleted: 0 });
      expect(await total(s.db)).toBe(69);
    } finally {
      await s.close();
    }
  });

  it('a request with no answer times out, is retried, then fails naming the timeout', async () => {
    const s = await setup('hubspot', 'contacts', 60, { faults: [{ kind: 'hang', at: 3, times: Infinity }] }); // 1: properties
    try {
      const err = (await s.run({ timeoutMs: 200, retries: 1 }).catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/HubSpot GET \/crm\/v3\/objects\/contacts, page 2: gave up after 2 attempts; last: no answer within 0.2 s/);
      expect(await total(s.db)).toBe(20);
    } finally {
      await s.close();
    }
  });

  it('a 5xx storm is retried with backoff and the pull completes', async () => {
    const s = await setup('zoho', 'Contacts', 60, { faults: [{ kind: 'server-error', at: 2, times: 3 }] });
    try {
      const [r] = await s.run();
      expect(r.retries).toBe(3);
      expect(await total(s.db)).toBe(60);
    } finally {
      await s.close();
    }
  });

  it('an unreachable API: one line, with the webhook key of a Bitrix24 URL hidden', async () => {
    const dir = tmp();
    const db = await openDb(join(dir, 'x.duckdb'));
    try {
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const port = (probe.address() as AddressInfo).port;
      probe.close();
      await once(probe, 'close');
      const url = `http://127.0.0.1:${port}/rest/1/s3cr3tw3bh00kk3y/`;
      const err = (await pull(db, { crm: 'bitrix24', source: 'b24', env: { BITRIX24_WEBHOOK_URL: url }, retries: 1, backoffMs: 5 }).catch((e: Error) => e)) as Error;
      // Never answered: a wrong URL or a server that is down fails at once, without retries (test/pull/hardening.test.ts).
      expect(err.message).toMatch(/^Bitrix24 crm\.lead\.list \(ID > 0\), page 1: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(err.message).not.toContain('s3cr3tw3bh00kk3y');
      const [p] = await db.all<{ status: string; error: string }>('SELECT status, error FROM pulls');
      expect(p.status).toBe('failed');
      expect(p.error).not.toContain('s3cr3tw3bh00kk3y');
    } finally {
      db.close();
    }
  });

  it('backoff grows exponentially with jitter, and Retry-After wins when given', async () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    const waits: number[] = [];
    const http = createHttp({
      crm: 'X', throttle: createThrottle(Infinity), timeoutMs: 1000, maxRetries: 4, backoffMs: 8, backoffMaxMs: 1000, maxWaitMs: 10_000,
      random: () => 0.5, onWait: (ms) => waits.push(ms),
    });
    const busy = createServer((_req, res) => res.writeHead(503).end('busy')).listen(0, '127.0.0.1');
    await once(busy, 'listening');
    await http.request({ url: `http://127.0.0.1:${(busy.address() as AddressInfo).port}/`, what: 'GET /' }).catch(() => {});
    busy.close();
    expect(waits).toEqual([6, 12, 24, 48, 96]); // step/2 + 0.5 · step/2, the step doubling from 8 ms
  });
});

describe('secrets', () => {
  it('never reach the database, the raw pages or the output', async () => {
    const s = await setup('hubspot', 'contacts', 45);
    try {
      const [r] = await s.run({ saveRaw: join(s.dir, 'raw') });
      expect(JSON.stringify(r)).not.toContain(TOKEN);
      s.db.close();
      const bytes = readFileSync(join(s.dir, 'crm.duckdb'));
      expect(bytes.includes(Buffer.from(TOKEN))).toBe(false);
      for (const f of readdirSync(join(s.dir, 'raw'))) expect(readFileSync(join(s.dir, 'raw', f), 'utf8')).not.toContain(TOKEN);
    } finally {
      await s.em.close();
    }
  });

  it('redact hides known secrets, bearer tokens, token parameters and webhook keys', () => {
    expect(redact('GET https://x.bitrix24.ru/rest/12/abcdef123456/crm.deal.list')).toBe('GET https://x.bitrix24.ru/rest/12/***/crm.deal.list');
    expect(redact('url?api_token=abc123def&x=1')).toBe('url?api_token=***&x=1');
    expect(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe('Authorization: Bearer ***');
  });
});

describe('raw pages', () => {
  it('--save-raw writes every page, and crmq import reads them back into the same rows', async () => {
    const s = await setup('amocrm', 'contacts', 55);
    try {
      const raw = join(s.dir, 'raw');
      await s.run({ saveRaw: raw });
      const files = readdirSync(raw).sort();
      expect(files).toEqual(['amocrm-contacts-00001.json', 'amocrm-contacts-00002.json', 'amocrm-contacts-00003.json']);
      s.db.close();
      const db2 = join(s.dir, 'offline.duckdb');
      for (const f of files) expect((await cli('import', join(raw, f), '--source', 'amocrm', '--db', db2)).code).toBe(0);
      const a = await openDb(join(s.dir, 'crm.duckdb'));
      const b = await openDb(db2);
      const cols = 'source_id, full_name, email, phones, created_at, updated_at';
      const left = await a.all(`SELECT ${cols} FROM contacts ORDER BY source_id`);
      const right = await b.all(`SELECT ${cols} FROM contacts ORDER BY source_id`);
      a.close();
      b.close();
      expect(right).toEqual(left);
      expect(left).toHaveLength(55);
    } finally {
      await s.em.close();
    }
  });
});

describe('crmq pull on the command line', () => {
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', HUBSPOT_TOKEN: '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('pulls, reports figures per entity and exits 0', async () => {
    const store = storeFor('hubspot', { contacts: 30, companies: 10 });
    const em = await startCrm('hubspot', { token: TOKEN, store });
    try {
      const db = join(tmp(), 'c.duckdb');
      const r = await run(['pull', 'hubspot', '--source', 'hs', '--entities', 'contacts,companies', '--db', db, '--rate', '100'], envFor('hubspot', em.url, TOKEN));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^contacts → contacts: 30 records in 1 page \(full\), loaded 30; \d+ requests, 0 retries/m);
      expect(r.stdout).toMatch(/^companies → companies: 10 records in 1 page \(full\), loaded 10;/m);
      const pulls = JSON.parse((await run(['pulls', '--db', db, '--format', 'json'], {})).stdout) as Record<string, unknown>[];
      expect(pulls.map((p) => [p.crm, p.entity, p.target, p.status, p.pages, p.records])).toEqual([['hubspot', 'contacts', 'contacts', 'done', 1, 30], ['hubspot', 'companies', 'companies', 'done', 1, 10]]);
    } finally {
      await em.close();
    }
  });

  it.each([
    [['pull', 'hubspot', '--source', 'hs'], /^crmq: HUBSPOT_TOKEN is not set: export HUBSPOT_TOKEN=… \(a HubSpot private app token\), or HUBSPOT_TOKEN_FILE=<file holding it>$/m],
    [['pull', 'hubspot', '--source', 'hs', '--entities', 'tickets'], /--entities: HubSpot has no entity "tickets" here \(one of contacts, companies, deals, calls, tasks, meetings, users\)/],
    [['pull', 'hubspot', '--source', 'hs', '--since', '31.13.2026'], /--since: "31.13.2026" is not a date/],
    [['pull', 'hubspot', '--source', 'hs', '--since', '2026-11-01', '--full'], /--since and --full contradict each other/],
    [['pull', 'oracle', '--source', 'x'], /'oracle' is invalid for argument 'crm'/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await run(args as string[], { HUBSPOT_TOKEN: (args as string[]).length > 4 ? 'x-token' : '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(message as RegExp);
    expect(lines.filter((l) => !l.startsWith('(add --help'))).toHaveLength(1);
  });

  it('reads the token from NAME_FILE', async () => {
    const store = storeFor('pipedrive', { persons: 5 });
    const em = await startCrm('pipedrive', { token: TOKEN, store });
    try {
      const dir = tmp();
      const secret = join(dir, 'token');
      (await import('node:fs')).writeFileSync(secret, `${TOKEN}\n`);
      const r = await run(['pull', 'pipedrive', '--source', 'pd', '--entities', 'persons', '--db', join(dir, 'p.duckdb')], { PIPEDRIVE_TOKEN_FILE: secret, PIPEDRIVE_BASE_URL: em.url });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/persons → contacts: 5 records/);
    } finally {
      await em.close();
    }
  });
});

describe('pull in a pipeline', () => {
  it('a pull step loads the records, logs them, and a second run is incremental', async () => {
    const store = storeFor('bitrix24', { contacts: 75, deals: 30 });
    const em = await startCrm('bitrix24', { token: TOKEN, store });
    try {
      const dir = tmp();
      const file = join(dir, 'p.yaml');
      (await import('node:fs')).writeFileSync(file, [
        'db: crm.duckdb',
        'steps:',
        '  - pull:',
        '      crm: bitrix24',
        '      source: b24',
        '      entities: [contacts, deals]',
        '      rate: 200',
        '  - check:',
        '      select: [contacts]',
        '      fail_on: error',
      ].join('\n'));
      const env = { BITRIX24_WEBHOOK_URL: `${em.url}/` };
      const runIt = () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, 'run', file], { env: { ...process.env, ...env } });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (code) => resolve({ code, stderr }));
        });
      const first = await runIt();
      const pulled = first.stderr.split('\n').filter((l) => l.includes('"entity_pulled"')).map((l) => JSON.parse(l));
      expect(pulled.map((p) => [p.entity, p.mode, p.loaded])).toEqual([['contacts', 'full', 75], ['deals', 'full', 30]]);
      expect(first.code).not.toBe(2);
      store.touch('deals', 2);
      const second = await runIt();
      const again = second.stderr.split('\n').filter((l) => l.includes('"entity_pulled"')).map((l) => JSON.parse(l));
      expect(again.map((p) => [p.entity, p.mode, p.records])).toEqual([['contacts', 'incremental', 0], ['deals', 'incremental', 2]]);
      const db = await openDb(join(dir, 'crm.duckdb'));
      expect((await db.all<{ n: number }>('SELECT count(*) AS n FROM deals'))[0].n).toBe(30);
      db.close();
    } finally {
      await em.close();
    }
  });
});

describe('OAuth refresh tokens (Zoho and Salesforce access tokens expire)', () => {
  const cases = [
    {
      crm: 'zoho', entity: 'Contacts',
      env: (url: string, refresh: string) => ({ ZOHO_REFRESH_TOKEN: refresh, ZOHO_CLIENT_ID: '1000.CLIENTID', ZOHO_CLIENT_SECRET: 'client-secret-zoho', ZOHO_ACCOUNTS_URL: url, ZOHO_API_URL: url }),
      oauth: { refresh: '1000.refresh-zoho-abc123', id: '1000.CLIENTID', secret: 'client-secret-zoho' },
      refused: /Zoho CRM POST \/oauth\/v2\/token \(refresh\): refresh refused \(invalid_code\)/,
    },
    {
      crm: 'salesforce', entity: 'Contact',
      env: (url: string, refresh: string) => ({ SALESFORCE_REFRESH_TOKEN: refresh, SALESFORCE_CLIENT_ID: '3MVG9-consumer-key', SALESFORCE_LOGIN_URL: url, SALESFORCE_INSTANCE_URL: url }),
      oauth: { refresh: '5Aep861-refresh-sf-xyz789', id: '3MVG9-consumer-key' },
      refused: /Salesforce POST \/services\/oauth2\/token \(refresh\): request refused \(400: invalid_grant: expired access\/refresh token\)/,
    },
  ];

  it.each(cases)('$crm: gets an access token, gets a new one when it expires mid-pull, and never stores either', async ({ crm, entity, env, oauth }) => {
    const store = storeFor(crm, { [entity]: 100 });
    let em: Awaited<ReturnType<typeof startCrm>> | undefined;
    // The first access token expires while page 3 is being asked for.
    em = await startCrm(crm, { token: TOKEN, store, pageSize: 20, state: { oauth }, onRequest: (n) => n === 4 && em && (em.ctx.state.accessToken = 'expired') });
    const dir = tmp();
    const db = await openDb(join(dir, 'o.duckdb'));
    try {
      const [r] = await pull(db, { crm, source: crm, entities: [entity], env: env(em.url, oauth.refresh), rate: 500, backoffMs: 5 });
      expect(r).toMatchObject({ records: 100, loaded: 100, retries: 0 });
      expect(em.ctx.state.issued).toBe(2);
      db.close();
      const bytes = readFileSync(join(dir, 'o.duckdb'));
      for (const secret of [oauth.refresh, String(em.ctx.state.accessToken)]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it.each(cases)('$crm: a refused refresh token stops with one line naming the token endpoint', async ({ crm, entity, env, oauth, refused }) => {
    const em = await startCrm(crm, { token: TOKEN, store: storeFor(crm, { [entity]: 10 }), state: { oauth } });
    const db = await openDb(join(tmp(), 'o.duckdb'));
    try {
      const err = (await pull(db, { crm, source: crm, entities: [entity], env: env(em.url, 'revoked-refresh-token-1'), rate: 500 }).catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(refused);
      expect(err.message).not.toContain('revoked-refresh-token-1');
    } finally {
      db.close();
      await em.close();
    }
  });
});
