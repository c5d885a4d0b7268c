// business_minutes(a, b): minutes on Monday–Friday between 9:00 and 18:00, used for first-response times.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { prepareReportContext } from '../../src/reports/context.js';
import { SHIPPED_SEMANTICS } from '../../src/rules/config.js';
import { loadSemantics } from '../../src/rules/semantics.js';

describe('business_minutes', () => {
  it.each([
    ['2026-11-20 17:00', '2026-11-23 10:30', 60 + 90], // Friday 17:00 → Monday 10:30
    ['2026-10-05 09:00', '2026-10-05 10:00', 60],
    ['2026-10-05 07:00', '2026-10-05 20:00', 540], // outside hours counts nothing
    ['2026-10-05 10:00', '2026-10-09 10:00', 4 * 540],
    ['2026-10-10 10:00', '2026-10-11 10:00', 0], // Saturday → Sunday
    ['2026-10-02 17:00', '2026-10-16 10:00', 60 + 9 * 540 + 60], // Friday → Friday two weeks on
  ])('%s → %s = %i', async (a, b, want) => {
    const db = await openDb(':memory:');
    await prepareReportContext(db, { start: '2026-10-01', end: '2026-10-31', asOf: '2026-11-30' }, {}, loadSemantics([SHIPPED_SEMANTICS]));
    const [r] = await db.all<{ m: number }>(`SELECT business_minutes(TIMESTAMP '${a}', TIMESTAMP '${b}') AS m`);
    db.close();
    expect(r.m).toBe(want);
  });
});
