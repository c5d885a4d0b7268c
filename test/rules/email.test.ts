// The e-mail format against isemail's suite: never accept what the RFCs reject; accept every plain valid address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { prepareNormalization } from '../../src/rules/normalize.js';
import { HAS_SHARED, SHARED } from '../helpers.js';

async function verdicts(addresses: string[]): Promise<boolean[]> {
  const db = await openDb(':memory:');
  try {
    await prepareNormalization(db, { defaultRegion: 'RU', regions: {} });
    // Appended, not spliced into SQL: the suite holds control characters on purpose.
    await db.run('CREATE TEMP TABLE t (i INTEGER, e VARCHAR)');
    const app = await db.conn.createAppender('t');
    addresses.forEach((a, i) => {
      app.appendInteger(i);
      app.appendVarchar(a.toWellFormed()); // lone surrogates cannot be UTF-8
      app.endRow();
    });
    app.closeSync();
    const rows = await db.all<{ i: number; ok: boolean }>('SELECT i, coalesce(crmq_email_ok(e), false) AS ok FROM t ORDER BY i');
    return rows.map((r) => r.ok);
  } finally {
    db.close();
  }
}

describe.skipIf(!HAS_SHARED)('e-mail format against the isemail suite', () => {
  const suite = HAS_SHARED ? (JSON.parse(readFileSync(join(SHARED, 'datasets/email-validity/skeggse-isemail/tests.json'), 'utf8')) as [string, string][]) : [];
  // isemail's boolean verdict: valid ⇔ diagnosis code < 16 (PROVENANCE.md).
  const BOOLEAN_VALID = new Set(['valid', 'rfc5321TLD', 'rfc5321TLDNumeric', 'rfc5321QuotedString', 'rfc5321AddressLiteral']);

  it('accepts no address isemail rejects', async () => {
    const ok = await verdicts(suite.map(([a]) => a));
    const wrong = suite.filter(([, d], i) => ok[i] && !BOOLEAN_VALID.has(d));
    expect(wrong).toEqual([]);
  });

  it('accepts every plain valid address, IDN and non-ASCII local parts included, except single-label domains', async () => {
    const plain = suite.filter(([a, d]) => d === 'valid' && /@[^.]+\.[^.]+/.test(a) && !/[\uD800-\uDFFF]/.test(a));
    const ok = await verdicts(plain.map(([a]) => a));
    expect(plain.filter((_, i) => !ok[i])).toEqual([]);
    expect(plain.map(([a]) => a)).toContain('伊昭傑@郵件.商務');
  });

  it('rejects the RFC-legal forms nobody types into a CRM: quoted strings, address literals, comments, dotless domains', async () => {
    const ok = await verdicts(['"test"@iana.org', 'test@[255.255.255.255]', '(comment)test@iana.org', 'test@io', 'test@iana.123']);
    expect(ok).toEqual([false, false, false, false, false]);
  });

  it('accepts Cyrillic domains', async () => {
    expect(await verdicts(['анна@почта.рф', 'info@президент.рф', 'sales@xn--80ak6aa92e.com'])).toEqual([true, true, true]);
  });
});
