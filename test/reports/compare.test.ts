// `crmq report --compare`: earlier figures matched by the report's key and checked against independent queries of
// the earlier period; a saved previous run, with the note that its data was re-imported since.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCompare, previousPeriod } from '../../src/reports/compare.js';
import { cli, query, ROOT, tmp } from '../helpers.js';

const FIRST = join(ROOT, 'fixtures/sample/bitrix24/Сделки.csv');
const NEXT = join(ROOT, 'fixtures/sample/bitrix24/next-week/Сделки.csv');
type Row = Record<string, number | string | null>;
type Json = { rows: Row[]; totals: Row[]; compared_with?: { against: string; period: { start: string; end: string }; note?: string; earlier_rows_gone: number } };

describe('the earlier period', () => {
  it('whole months give as many months before; other periods as many days before; as-of moves with them', () => {
    expect(previousPeriod({ start: '2026-10-01', end: '2026-10-31', asOf: '2026-11-30' })).toEqual({ start: '2026-09-01', end: '2026-09-30', asOf: '2026-10-30' });
    expect(previousPeriod({ start: '2026-07-01', end: '2026-09-30', asOf: '2026-10-01' })).toEqual({ start: '2026-04-01', end: '2026-06-30', asOf: '2026-07-01' });
    expect(previousPeriod({ start: '2026-03-01', end: '2026-03-31', asOf: '2026-03-31' })).toEqual({ start: '2026-02-01', end: '2026-02-28', asOf: '2026-02-28' });
    expect(previousPeriod({ start: '2026-11-23', end: '2026-11-29', asOf: '2026-11-30' })).toEqual({ start: '2026-11-16', end: '2026-11-22', asOf: '2026-11-23' });
    expect(() => parseCompare('last-week')).toThrow(/--compare: "last-week" is not previous-period, previous-run or YYYY-MM-DD\.\.YYYY-MM-DD/);
    expect(() => parseCompare('2026-10-31..2026-10-01')).toThrow(/2026-10-31 is after 2026-10-01/);
  });
});

describe('crmq report --compare on the demo deals', () => {
  const dir = tmp();
  const db = join(dir, 'compare.duckdb');
  const report = async (...args: string[]) => {
    const r = await cli('report', 'manager-ranking', '--format', 'json', '--db', db, ...args);
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
  };
  /** Won amount per owner in a period, straight from the deals table (the report's own reconcile query, per owner). */
  const wonByOwner = async (from: string, to: string) =>
    new Map((await query<{ owner: string; won: number }>(db,
      `SELECT owner, round(sum(amount), 2)::DOUBLE AS won FROM deals WHERE status = 'won' AND CAST(closed_at AS DATE) BETWEEN DATE '${from}' AND DATE '${to}' AND currency = 'RUB' GROUP BY owner`,
    )).map((r) => [r.owner, r.won]));

  beforeAll(async () => {
    expect((await cli('import', FIRST, '--source', 'b24', '--db', db)).code).toBe(0);
  });

  it('previous-period: each owner\'s earlier won amount is the previous month\'s, and the change is the difference', async () => {
    const { json } = await report('--from', '2026-10-01', '--to', '2026-10-31', '--compare', 'previous-period');
    expect(json.compared_with).toMatchObject({ against: 'previous-period', period: { start: '2026-09-01', end: '2026-09-30' } });
    const [now, before] = [await wonByOwner('2026-10-01', '2026-10-31'), await wonByOwner('2026-09-01', '2026-09-30')];
    expect([before.size > 0, now.size > 0]).toEqual([true, true]);
    const shown = new Map(json.rows.map((r) => [r.owner as string, r]));
    for (const [owner, won] of before) expect(shown.get(owner)?.won_amount_before, owner).toBeCloseTo(won, 2);
    for (const [owner, won] of now) expect(shown.get(owner)?.won_amount, owner).toBeCloseTo(won, 2);
    for (const r of json.rows) {
      if (r.won_amount === null || r.won_amount_before === null) continue;
      expect(r.won_amount_change).toBeCloseTo(Number(r.won_amount) - Number(r.won_amount_before), 2);
      if (Number(r.won_amount_before)) expect(r.won_amount_change_pct).toBeCloseTo((Number(r.won_amount) - Number(r.won_amount_before)) / Number(r.won_amount_before), 5);
    }
    // The Total adds up the earlier amounts and the changes as it adds up the amounts; its relative change is its own.
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(json.totals).toHaveLength(1);
    expect(json.totals[0].won_amount_before).toBeCloseTo(sum(before), 2);
    expect(json.totals[0].won_amount_change).toBeCloseTo(sum(now) - sum(before), 2);
    expect(json.totals[0].won_amount_change_pct).toBeCloseTo((sum(now) - sum(before)) / sum(before), 5);
    // Rows of September with no row in October come last, their figures only before.
    const gone = json.rows.slice(json.rows.length - json.compared_with!.earlier_rows_gone);
    // (a count or amount missing on one side counts 0 in the change; an average or a rate has none)
    for (const r of gone) expect([r.won_amount, r.deals, typeof r.deals_before, r.deals_change, r.average_check_change]).toEqual([null, null, 'number', 0 - Number(r.deals_before), null]);
  });

  it('a range equal to the period itself changes nothing: rows are matched by their key', async () => {
    const { json } = await report('--from', '2026-01-01', '--to', '2026-10-31', '--compare', '2026-01-01..2026-10-31');
    expect(json.rows.length).toBeGreaterThan(1);
    expect(json.compared_with?.earlier_rows_gone).toBe(0);
    for (const r of json.rows) for (const c of ['leads', 'deals', 'won_deals', 'won_amount', 'win_rate']) if (r[c] !== null) expect([c, r[`${c}_change`]]).toEqual([c, 0]);
  });

  it('previous-run: the figures the last run saved, and a note that the deals were re-imported since', async () => {
    const fresh = join(dir, 'fresh.duckdb');
    expect((await cli('import', FIRST, '--source', 'b24', '--db', fresh)).code).toBe(0);
    const first = await cli('report', 'manager-ranking', '--from', '2026-01-01', '--to', '2026-11-30', '--compare', 'previous-run', '--db', fresh);
    expect([first.code, first.stderr]).toEqual([0, expect.stringMatching(/manager-ranking: no earlier run saved for .*fresh\.duckdb, nothing to compare with/)]);
    expect((await cli('import', NEXT, '--source', 'b24', '--db', fresh)).code).toBeLessThan(2);
    const r = await cli('report', 'manager-ranking', '--from', '2026-01-01', '--to', '2026-11-30', '--compare', 'previous-run', '--format', 'json', '--db', fresh);
    const json = JSON.parse(r.stdout) as Json;
    expect(json.compared_with).toMatchObject({ against: 'previous-run', period: { start: '2026-01-01', end: '2026-11-30' } });
    expect(json.compared_with?.note).toMatch(/re-imported since: b24 deals/);
    const firstRows = JSON.parse((await cli('report', 'manager-ranking', '--from', '2026-01-01', '--to', '2026-11-30', '--format', 'json', '--db', db)).stdout).rows as Row[];
    // The first export's figures (the same file in `db`) are the earlier ones; the later ones are the new export's.
    expect(firstRows.length).toBeGreaterThan(1);
    for (const f of firstRows) expect(json.rows.find((x) => x.owner === f.owner)?.won_amount_before, String(f.owner)).toBe(f.won_amount);
    const changed = json.rows.filter((x) => x.won_amount_change !== null && x.won_amount_change !== 0);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('a bad --compare is a usage error naming the flag', async () => {
    const r = await cli('report', 'manager-ranking', '--compare', 'last-week', '--db', db);
    expect([r.code, r.stderr.trim()]).toEqual([2, expect.stringMatching(/^crmq: --compare: "last-week" is not previous-period/)]);
  });
});
