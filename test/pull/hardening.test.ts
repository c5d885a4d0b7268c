// crmq pull against a URL that cannot work: it fails in seconds with one line, and a credential written into the
// URL shows up nowhere (stderr, pulls.error, crmq pulls).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor } from '../../fixtures/api/index.js';
import { redact } from '../../src/pull/secrets.js';
import { cli, query, tmp } from '../helpers.js';

const TOKEN = 'pat-na1-0b7e6a51-3c1d-4a8e-9f00-77aa11bb22cc';

/** The CLI in-process with these environment variables set (pull reads its credentials from the environment). */
async function withEnv(env: Record<string, string>, ...args: string[]) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await cli(...args);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  probe.close();
  await once(probe, 'close');
  return port;
}

describe('crmq pull: an unreachable API fails fast, in one line', () => {
  it.each([
    ['connection refused', async () => `http://127.0.0.1:${await closedPort()}`, /cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\); check the base URL/],
    ['a port fetch refuses (9)', async () => 'http://127.0.0.1:9', /cannot connect to 127\.0\.0\.1:9 \(a port fetch refuses to use\)/],
    ['a host that does not exist', async () => 'http://no-such-host.invalid', /cannot connect to no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/],
    ['not a URL', async () => 'htp//api.example', /not a valid URL/],
  ])('%s', async (_name, url, message) => {
    const dir = tmp();
    const t = performance.now();
    // The default retries (6) and backoff apply: fast because nothing answered, not because retries were turned off.
    const r = await withEnv({ HUBSPOT_TOKEN: TOKEN, HUBSPOT_BASE_URL: await url() }, 'pull', 'hubspot', '--source', 'h', '--db', join(dir, 'x.duckdb'));
    const seconds = (performance.now() - t) / 1000;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    // Was 82–116 s of retry back-off; the bound is loose so a busy machine (load 20) does not fail it.
    expect(seconds).toBeLessThan(60);
  });
});

describe('credentials in a URL', () => {
  it('are refused in one line and appear in no message, no pulls.error and no crmq pulls', async () => {
    const store = storeFor('hubspot', { contacts: 5 });
    const em = await startCrm('hubspot', { token: TOKEN, store, pageSize: 20 });
    try {
      const dir = tmp();
      const db = join(dir, 'x.duckdb');
      const withCreds = em.url.replace('http://', `http://admin:${TOKEN}@`);
      const r = await withEnv(envFor('hubspot', withCreds, 'other-token-value'), 'pull', 'hubspot', '--source', 'h', '--db', db);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/has a user name or password in it/);
      const pulls = await cli('pulls', '--db', db, '--format', 'json');
      for (const text of [r.stdout, r.stderr, pulls.stdout, pulls.stderr]) expect(text).not.toContain(TOKEN);
      expect(em.requests).toBe(0); // nothing was sent with the credential
    } finally {
      await em.close();
    }
  });

  it('redact hides user:password@ in any URL', () => {
    expect(redact(`fetch failed: http://admin:${TOKEN}@127.0.0.1:8080/crm/v3`)).toBe('fetch failed: http://***@127.0.0.1:8080/crm/v3');
    expect(redact('smtp://mailer:p%40ss@mail.example.ru:587')).toBe('smtp://***@mail.example.ru:587');
  });
});

describe('a deeply nested record in an API answer', () => {
  it('fails in one line naming the CRM, the entity and the page, recorded in pulls.error (was: "the input is nested too deeply to read")', async () => {
    const deep = `${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`;
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      // The contacts listing: one ordinary record and one nested 20,000 levels; property and owner lists are empty.
      res.end(/\/objects\/contacts/.test(req.url ?? '') ? `{"results":[{"id":"1","properties":{"email":"a@x.ru"}},{"id":"2","properties":{"deep":${deep}}}]}` : '{"results":[]}');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const dir = tmp();
      const db = join(dir, 'x.duckdb');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await withEnv({ HUBSPOT_TOKEN: TOKEN, HUBSPOT_BASE_URL: url }, 'pull', 'hubspot', '--source', 'h', '--entities', 'contacts', '--db', db);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^crmq: HubSpot contacts, page 1: the answer is nested too deeply to read \(no CRM writes that\)/);
      expect(await query(db, `SELECT status, error FROM pulls`)).toEqual([{ status: 'failed', error: expect.stringMatching(/HubSpot contacts, page 1: the answer is nested too deeply/) }]);
    } finally {
      server.close();
    }
  });
});
