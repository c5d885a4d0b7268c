// Issue #11, finding by finding, on the demo database (`crmq demo`) and the real CLI's JSON output: each test plants
// the audit's one change on a copy and checks the report against figures worked out by independent SQL written from
// the formula. The comments give what the code before this change printed (on the same data), so each test fails there.
import ExcelJS from 'exceljs';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { composeReportMail } from '../../src/mail/compose.js';
import { reportCommand } from '../../src/commands/report.js';
import { loadReports, SHIPPED_REPORTS } from '../../src/reports/load-reports.js';
import { sums } from '../../src/reports/report-def.js';
import { chartSpec } from '../../src/reports/render/chart.js';
import type { ReportResult } from '../../src/reports/run-report.js';
import { demoInto } from '../demo.js';
import { cli, query, tmp, write } from '../helpers.js';

const dir = tmp();
const demo = join(dir, 'demo.duckdb');
const defs = loadReports([SHIPPED_REPORTS]);
const YEAR = ['--from', '2026-01-01', '--to', '2026-10-31', '--as-of', '2026-11-20'];
const OCTOBER = ['--as-of', '2026-11-20']; // the default period: October 2026

type Row = Record<string, unknown>;
interface Json { id: string; status: string; rows: Row[]; totals: Row[]; no_data: string[]; notes: string[]; columns: { name: string; type: string }[]; chart?: ReportResult['chart']; validations: { name: string; input?: string; status: string; message: { en: string }; figures: Row }[] }

beforeAll(async () => {
  await demoInto(dir); // what `crmq demo --out dir` writes
}, 300_000);

/** A copy of the demo database with the audit's one change applied. */
async function variant(name: string, ...sql: string[]): Promise<string> {
  const path = join(dir, `${name}.duckdb`);
  copyFileSync(demo, path);
  const db = await openDb(path);
  for (const s of sql) await db.run(s);
  db.close();
  return path;
}

async function report(db: string, id: string, ...args: string[]): Promise<Json> {
  const r = await cli('report', id, '--db', db, '--format', 'json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

const sum = (rows: Row[], col: string, where: (r: Row) => boolean = () => true) => Math.round(rows.filter(where).reduce((a, r) => a + Number(r[col] ?? 0), 0) * 100) / 100;
const check = (r: Json, name: string, input?: string) => r.validations.find((v) => v.name === name && (input === undefined || v.input === input))!;
const one = async <T>(db: string, sql: string) => (await query<T>(db, sql))[0];

describe('point in time', () => {
  it('pipeline-forecast --as-of 2026-09-30 holds the deals open then and closed later (RUB 2,536,002.96)', async () => {
    // Before: only deals open *now*; the five RUB deals open on 2026-09-30 and won or lost in October were missing.
    const r = await report(demo, 'pipeline-forecast', '--as-of', '2026-09-30');
    const later = await one<{ rub: number; eur: number }>(demo, `SELECT
      sum(amount) FILTER (WHERE currency = 'RUB') AS rub, sum(amount) FILTER (WHERE currency = 'EUR') AS eur FROM deals
      WHERE status IN ('won', 'lost') AND CAST(created_at AS DATE) <= DATE '2026-09-30' AND CAST(closed_at AS DATE) > DATE '2026-09-30'`);
    expect(later.rub).toBeCloseTo(2_536_002.96, 2);
    // Independently: open on the date = created by then and not closed by then; b24/604's 450,000,000,000 is a typo left out.
    const open = await query<{ currency: string; amount: number }>(demo, `SELECT currency, sum(amount) AS amount FROM deals
      WHERE CAST(created_at AS DATE) <= DATE '2026-09-30' AND (closed_at IS NULL OR CAST(closed_at AS DATE) > DATE '2026-09-30') AND amount < 1e9 GROUP BY ALL`);
    for (const o of open) expect(sum(r.rows, 'amount', (x) => x.currency === o.currency), o.currency).toBeCloseTo(o.amount, 2);
    const nowOpen = await one<{ rub: number }>(demo, `SELECT sum(amount) AS rub FROM deals WHERE status = 'open' AND currency = 'RUB' AND amount < 1e9 AND CAST(created_at AS DATE) <= DATE '2026-09-30'`);
    expect(sum(r.rows, 'amount', (x) => x.currency === 'RUB') - nowOpen.rub).toBeCloseTo(2_536_002.96, 2);
    expect(check(r, 'reconcile').status).toBe('valid');
  });
});

describe('duplicated base rows are seen', () => {
  it('products: one deal_items row twice (105,000 → 165,000) is no longer valid', async () => {
    // Before: status valid with 165,000 in "услуги 10k–100k".
    const copied = await variant('items-copy', `INSERT INTO deal_items SELECT * REPLACE ('I38-copy' AS source_id) FROM deal_items WHERE source_id = 'I38'`);
    const r = await report(copied, 'products', ...OCTOBER);
    expect(r.rows.find((x) => x.product_type === 'услуги' && x.price_band === '10k–100k')!.amount).toBe(165_000);
    expect(r.status).not.toBe('valid');
    expect(check(r, 'duplicates', 'deal_items').message.en).toMatch(/b24\/I38 = b24\/I38-copy; the extra copies carry RUB 60,000/);
    // The same row under the same id is certain: the independent queries (one row per record) disagree too.
    const same = await report(await variant('items-same', `INSERT INTO deal_items SELECT * FROM deal_items WHERE source_id = 'I38'`), 'products', ...OCTOBER);
    expect(same.status).toBe('invalid');
    expect(same.validations.filter((v) => v.status === 'invalid').map((v) => v.name).sort()).toEqual(['duplicates', 'grain', 'reconcile']);
  });

  it('receivables-aging: one payment twice (1–30: 3 invoices / 1,034,001.53 → 2 / 622,501.25) changes the status', async () => {
    // Before: valid-as-before (warning from coverage only), the bucket silently 2 / 622,501.25.
    const base = await report(demo, 'receivables-aging', ...OCTOBER);
    expect(base.rows.find((x) => x.bucket === '1-30')).toMatchObject({ invoices: 3, amount: 1_034_001.53 });
    const r = await report(await variant('pay-same', `INSERT INTO payments SELECT * FROM payments WHERE source_id = 'P4'`), 'receivables-aging', ...OCTOBER);
    expect(r.rows.find((x) => x.bucket === '1-30')).toMatchObject({ invoices: 2, amount: 622_501.25 });
    expect(r.status).toBe('invalid');
    expect(check(r, 'duplicates', 'payments').message.en).toMatch(/b24\/P4 ×2/);
    expect(check(r, 'reconcile').status).toBe('invalid');
    const copy = await report(await variant('pay-copy', `INSERT INTO payments SELECT * REPLACE ('P4-copy' AS source_id) FROM payments WHERE source_id = 'P4'`), 'receivables-aging', ...OCTOBER);
    expect(check(copy, 'duplicates', 'payments')).toMatchObject({ status: 'warning', message: { en: expect.stringMatching(/1 payment probably loaded twice within a source: b24\/P4 = b24\/P4-copy/) } });
  });

  it('a won deal twice: 2 wins instead of 1 in manager-ranking, attainment 0.944 → 1.222, and both reports invalid', async () => {
    // Before: Александр Орлов 2 wins, attainment 1.222, no check noticed.
    const copied = await variant('deal-copy', `INSERT INTO deals SELECT * REPLACE ('521-copy' AS source_id) FROM deals WHERE source = 'b24' AND source_id = '521'`);
    const ranking = await report(copied, 'manager-ranking', ...OCTOBER);
    expect(ranking.rows.find((x) => x.owner === 'Александр Орлов')!.won_deals).toBe(2);
    expect(ranking.status).toBe('invalid');
    expect(check(ranking, 'duplicates', 'deals').message.en).toMatch(/1 deal loaded twice within a source: b24\/521 = b24\/521-copy; the extra copies carry RUB 823,000.56/);
    expect(check(ranking, 'reconcile').message.en).toMatch(/does not reconcile/);
    const plan = await report(copied, 'revenue-plan-vs-actual', ...OCTOBER);
    expect(Number(plan.rows.find((x) => x.currency === 'RUB')!.attainment)).toBeCloseTo(1.222, 3);
    expect(plan.status).toBe('invalid');
    expect(Number((await report(demo, 'revenue-plan-vs-actual', ...OCTOBER)).rows.find((x) => x.currency === 'RUB')!.attainment)).toBeCloseTo(0.944, 3);
  });
});

describe('dominance and outliers', () => {
  it('deal 604 (450,000,000,000 RUB) is left out of the forecast, said so, and its total given beside', async () => {
    // Before: pipeline-forecast weighted RUB 270,000,398,400 in one "best case" row, 99.99% of it one typo; status unchanged by it.
    const r = await report(demo, 'pipeline-forecast', ...OCTOBER);
    expect(check(r, 'outliers', 'deals')).toMatchObject({ status: 'warning', message: { en: expect.stringMatching(/b24\/604 RUB 450,000,000,000 \(\d[\d,]*× the median/) } });
    const weighted = sum(r.rows, 'weighted', (x) => x.currency === 'RUB');
    expect(weighted).toBeLessThan(1e8);
    const kept = await report(demo, 'pipeline-forecast', ...OCTOBER, '--param', 'outliers=include');
    expect(kept.status).toBe('invalid');
    expect(check(kept, 'dominance', 'deals').message.en).toMatch(/^b24\/604 carries (99\.\d|100\.0)% of the RUB total/);
    // new-deals-by-budget: no band holds it; it has a row of its own, without an amount.
    const bands = await report(demo, 'new-deals-by-budget', ...YEAR);
    expect(Math.max(...bands.rows.map((x) => Number(x.amount ?? 0)))).toBeLessThan(1e9);
    expect(bands.rows.find((x) => x.band === '(implausible amount, left out)')).toMatchObject({ deals: 1, amount: null });
  });

  it('a 1e12 typo changes the status of every report that sums the deal', async () => {
    const typo = await variant('typo', `UPDATE deals SET amount = 1e12 WHERE source = 'b24' AND source_id = '521'`);
    for (const id of ['manager-ranking', 'revenue-plan-vs-actual', 'sales-velocity']) {
      const r = await report(typo, id, ...OCTOBER);
      expect(check(r, 'outliers', 'deals').message.en, id).toMatch(/b24\/521 RUB 1,000,000,000,000/);
    }
  });
});

describe('coverage arithmetic', () => {
  it('no share adds currencies: other currencies are the currency check\'s, with their own amounts', async () => {
    // Before: "2 of 154 input rows have error-level findings and 30 were excluded (20.8% of rows, 0.0% of the amount)".
    const r = await report(demo, 'manager-ranking', ...YEAR);
    const eur = await one<{ n: number; amount: number }>(demo, `SELECT count(*) AS n, sum(amount) AS amount FROM deals WHERE currency = 'EUR' AND
      (CAST(created_at AS DATE) BETWEEN DATE '2026-01-01' AND DATE '2026-10-31' OR (status IN ('won', 'lost') AND CAST(closed_at AS DATE) BETWEEN DATE '2026-01-01' AND DATE '2026-10-31'))`);
    expect(check(r, 'currency').message.en).toBe(`sums in RUB only: ${eur.n} deals in EUR left out (EUR ${eur.amount.toLocaleString('en-US')}); --param currency=… reports another`);
    expect(check(r, 'coverage', 'deals').message.en).not.toMatch(/EUR/);
    expect(check(r, 'coverage', 'deals').message.en).toMatch(/of the amount: RUB \d/);
  });

  it('rows are counted once (channel-profitability in EUR: 102.3% of rows before), and every exclusion says why', async () => {
    const r = await report(demo, 'channel-profitability', ...YEAR, '--param', 'currency=EUR');
    const c = check(r, 'coverage', 'deals');
    expect(Number(c.figures.rows_affected)).toBeLessThanOrEqual(Number(c.figures.rows_in_scope));
    expect(Number(c.figures.share_of_rows)).toBeLessThanOrEqual(1);
    expect(c.message.en).toMatch(/left out: no touch before the win \(nothing to attribute it to\) \d+/);
    const aging = await report(demo, 'receivables-aging', ...OCTOBER);
    expect(check(aging, 'coverage', 'payments').message.en).toMatch(/left out: payment against an invoice that is not there \[payment\.invoice\.reference\] 1/);
    const forecast = await report(demo, 'pipeline-forecast', ...OCTOBER);
    expect(check(forecast, 'coverage', 'deals').message.en).toMatch(/no probability \(stage not in the semantic standard\) \[deal\.stage\.vocabulary\] 1/);
  });
});

describe('checks that can fail', () => {
  it('manager-ranking\'s currency check sees a deal in another currency (it filtered to the report currency first)', async () => {
    // Before: "one currency" (valid) while the USD deal silently left the ranking.
    const usd = await variant('usd', `UPDATE deals SET currency = 'USD' WHERE source = 'b24' AND source_id = '521'`);
    const r = await report(usd, 'manager-ranking', ...OCTOBER);
    expect(check(r, 'currency')).toMatchObject({ status: 'warning', message: { en: expect.stringMatching(/^sums in RUB only: .* left out \(.*USD 823,000\.56\)/) } });
    // channel-conversion no longer counts it in its RUB row (before: counted).
    const base = await report(demo, 'channel-conversion', ...OCTOBER);
    const conv = await report(usd, 'channel-conversion', ...OCTOBER);
    expect(sum(conv.rows, 'deals')).toBe(sum(base.rows, 'deals') - 1);
    expect(check(conv, 'currency', 'deals').message.en).toMatch(/1 deal in USD left out/);
  });

  it('the attribution spread is a statement beside the caveats, not a check that could only warn', async () => {
    const r = await report(demo, 'channel-profitability', ...YEAR);
    expect(r.validations.map((v) => v.name)).not.toContain('attribution');
    expect(r.notes[0]).toMatch(/^romi depends on the attribution model: .*No model is the truth/);
  });
});

describe('orphans and windows', () => {
  it('stage history of a deal that does not exist: stage-velocity and funnel agree, both say so', async () => {
    // Before: stage-velocity counted the orphan visits, funnel dropped them; both valid.
    const orphan = await variant('orphan', `INSERT INTO deal_stage_history (source, source_id, import_id, deal_id, stage, entered_at) VALUES
      ('b24', 'X1', 0, 'NOPE', 'Новая', '2026-10-02 10:00:00'), ('b24', 'X2', 0, 'NOPE', 'В работе', '2026-10-05 10:00:00')`);
    const [velocity, funnel, before] = [await report(orphan, 'stage-velocity', ...OCTOBER), await report(orphan, 'funnel', ...OCTOBER), await report(demo, 'stage-velocity', ...OCTOBER)];
    const visits = (r: Json, col: string) => Object.fromEntries(r.rows.map((x) => [x.stage, x[col]]));
    expect(visits(velocity, 'visits')).toEqual(visits(funnel, 'entered'));
    expect(visits(velocity, 'visits')).toEqual(visits(before, 'visits'));
    for (const r of [velocity, funnel]) expect(check(r, 'coverage', 'deal_stage_history').message.en).toMatch(/left out: history of a deal that is not among the deals \(as of the date\) 2/);
  });

  it('tasks-by-owner and deal-distribution check the windows of what they count', async () => {
    // Before: tasks-by-owner had no window check; deal-distribution checked only deals.
    const gap = await variant('gap', `DELETE FROM activities WHERE strftime(created_at, '%Y-%m') = '2026-07'`);
    const tasks = await report(gap, 'tasks-by-owner', ...YEAR);
    expect(check(tasks, 'window', 'activities')).toMatchObject({ status: 'invalid', message: { en: expect.stringMatching(/no activities in part of the period: b24 2026-07/) } });
    const dist = await report(gap, 'deal-distribution', ...YEAR);
    expect(check(dist, 'window', 'activities').status).toBe('invalid');
  });

  it('findings older than an import are said to be stale', async () => {
    // Before: the old check's findings were used silently.
    const stale = join(dir, 'stale.duckdb');
    copyFileSync(demo, stale);
    const csv = write(dir, 'more-deals.csv', 'id,title,amount,currency,status,owner,created_at\nn1,Новая сделка,100000,RUB,open,Мария Белова,2026-10-20 10:00:00\n');
    expect((await cli('import', csv, '--db', stale, '--source', 'b24', '--preset', 'canonical', '--entity', 'deals')).code).toBe(0);
    const r = await report(stale, 'manager-ranking', ...OCTOBER);
    expect(check(r, 'findings')).toMatchObject({ status: 'warning', message: { en: expect.stringMatching(/older than the import of deals at .*run `crmq check` again/) } });
  });
});

describe('missing inputs are no data, not 0', () => {
  it('manager-ranking without leads: Leads say "no data" and the status names the missing input; so does the mail', async () => {
    // Before: "Leads 0" for every manager, and "Лиды 0" in the mail.
    const noLeads = await variant('no-leads', 'DELETE FROM leads');
    const r = await report(noLeads, 'manager-ranking', ...OCTOBER);
    expect(r.rows.every((x) => x.leads === null)).toBe(true);
    expect(r.no_data).toEqual(['leads']);
    expect(check(r, 'inputs')).toMatchObject({ status: 'warning', message: { en: 'no leads imported: Leads shown as no data' } });
    const run = await reportCommand({ db: noLeads, ids: ['manager-ranking'], asOf: '2026-11-20', lang: 'ru' });
    const mail = await composeReportMail({ from: 'a@example.ru', to: ['b@example.ru'], subject: 's', lang: 'ru', reports: run.results, attachments: [] });
    const html = String(mail.html);
    expect((html.match(/<td align="right">нет данных<\/td>/g) ?? []).length).toBeGreaterThanOrEqual(r.rows.length);
    expect(html).toContain('не загружены лиды: Лиды — нет данных');
  });
});

describe('small ones', () => {
  it('--param currency=rub is RUB', async () => {
    // Before: all-zero rows labelled "rub".
    const lower = await report(demo, 'manager-ranking', ...YEAR, '--param', 'currency=rub');
    const upper = await report(demo, 'manager-ranking', ...YEAR, '--param', 'currency=RUB');
    expect(lower.rows).toEqual(upper.rows);
    expect(sum(lower.rows, 'won_amount')).toBeGreaterThan(0);
  });

  it('income-expense is by month, and each month equals the transactions booked in it', async () => {
    // Before: one row per year.
    const r = await report(demo, 'income-expense', ...YEAR);
    const truth = await query<{ month: string; direction: string; amount: number }>(demo, `SELECT strftime(date, '%Y-%m') AS month, direction, sum(amount) AS amount
      FROM transactions WHERE date BETWEEN DATE '2026-01-01' AND DATE '2026-10-31' AND direction IN ('income', 'expense') GROUP BY ALL`);
    expect(truth.length).toBeGreaterThan(2);
    for (const t of truth) expect(sum(r.rows, 'amount', (x) => x.month === t.month && x.direction === t.direction), `${t.month} ${t.direction}`).toBeCloseTo(t.amount, 2);
  });

  it('calls-by-manager counts talk time of held calls only', async () => {
    // Before: the planned duration of calls not held yet (8,752 s in the demo) counted as talk.
    const r = await report(demo, 'calls-by-manager', ...YEAR);
    const held = await one<{ minutes: number }>(demo, `SELECT sum(duration_sec) / 60.0 AS minutes FROM activities WHERE type = 'call' AND done_at IS NOT NULL
      AND CAST(done_at AS DATE) BETWEEN DATE '2026-01-01' AND DATE '2026-10-31'`);
    expect(Math.abs(sum(r.rows, 'talk_minutes') - held.minutes)).toBeLessThan(r.rows.length * 0.05); // each row rounded to 0.1 min
    expect(r.rows.filter((x) => x.outcome === '(not held yet)').every((x) => x.talk_minutes === null)).toBe(true);
  });

  it('no chart puts two currencies on one axis', async () => {
    // Before: lost-revenue stacked 2,245,002.61 RUB and 201,000 EUR in one bar.
    for (const id of ['lost-revenue', 'pipeline-forecast', 'revenue-plan-vs-actual', 'receivables-aging', 'new-deals-by-budget', 'sales-velocity']) {
      const r = await report(demo, id, ...YEAR);
      const spec = chartSpec({ ...(r as unknown as ReportResult), noData: r.no_data, chart: defs.find((d) => d.id === id)!.chart }, 'en') as unknown as { facet?: Record<string, { field: string }>; resolve?: { scale: { y: string } } };
      const chart = defs.find((d) => d.id === id)!.chart!;
      const y = r.columns.find((c) => c.name === chart.y)!;
      const currencies = new Set(r.rows.map((x) => x.currency));
      if (y.type === 'money' && currencies.size > 1) {
        expect(Object.values(spec.facet ?? {})[0]?.field, id).toBe('currency');
        expect(spec.resolve?.scale.y, id).toBe('independent');
      }
    }
  });
});

describe('the demo\'s outputs add up only what adds up', () => {
  it('XLSX read back: every Total row is per currency (and model, direction, type), of summable columns only, equal to its rows', async () => {
    // Before: one Total row per sheet that summed EUR with RUB, spend over six models (15,728,208), ratios, averages,
    // stage orders, income + expense + margin; Funnel "Moved back" read back as NaN.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'reports.xlsx'));
    const totalsOf: Record<string, Row[]> = {};
    defs.forEach((def, i) => {
      const ws = wb.worksheets[i + 1]; // after the contents
      const labels = Object.values(def.columns).map((c) => c.en);
      const cols = Object.entries(def.columns).map(([name, c]) => ({ name, ...c }));
      const all = ws.getRows(1, ws.rowCount)!.map((r) => cols.map((_, k) => r.getCell(k + 1).value));
      const h = all.findIndex((r) => JSON.stringify(r) === JSON.stringify(labels));
      expect(h, def.id).toBeGreaterThan(0);
      const body = all.slice(h + 1);
      const firstTotal = body.findIndex((r) => String(r[0] ?? '').startsWith('Total'));
      const data = firstTotal < 0 ? body : body.slice(0, firstTotal);
      const totals = firstTotal < 0 ? [] : body.slice(firstTotal);
      const keys = cols.map((c, k) => (c.type === 'currency' || def.total_by.includes(c.name) ? k : -1)).filter((k) => k >= 0);
      totalsOf[def.id] = totals.map((t) => Object.fromEntries(cols.map((c, k) => [c.name, t[k]])));
      for (const t of totals) {
        const mine = data.filter((r) => keys.every((k) => (k === 0 ? String(t[0]) === `Total: ${r[0]}` : r[k] === t[k])));
        cols.forEach((c, k) => {
          if (k === 0 || keys.includes(k)) return;
          if (!sums(c)) expect(t[k], `${def.id} ${c.name} must not be summed`).toBeNull();
          else if (typeof t[k] === 'number') expect(t[k] as number, `${def.id} ${c.name}`).toBeCloseTo(mine.reduce((a, r) => a + Number(r[k] ?? 0), 0), 1);
        });
      }
    });
    expect(totalsOf['revenue-plan-vs-actual'].map((t) => t.currency)).toEqual(['Total: EUR', 'Total: RUB']); // the currency is its first column
    const spend = await one<{ spend: number }>(demo, `SELECT sum(amount) AS spend FROM ad_spend WHERE currency = 'RUB' AND date BETWEEN DATE '2026-01-01' AND DATE '2026-10-31'`);
    expect(Math.round(spend.spend)).toBe(2_621_368); // before: 15,728,208 (six models added up)
    expect(totalsOf['channel-profitability'].map((t) => t.spend)).toEqual(Array(6).fill(spend.spend));
    expect(totalsOf.funnel[0]).toMatchObject({ ord: null, moved_back: 0 });
    expect(totalsOf['income-expense'].map((t) => `${t.currency} ${t.direction}`).sort()).toEqual(['RUB expense', 'RUB income', 'RUB margin']);
    for (const id of ['channel-conversion', 'manager-ranking', 'channel-profitability']) {
      for (const t of totalsOf[id]) for (const c of ['cost_per_lead', 'average_check', 'cac', 'roas', 'romi', 'win_rate']) expect(t[c] ?? null, `${id} ${c}`).toBeNull();
    }
  });

  it('charts (HTML and mail): no bar or stack adds two currencies, models or kinds, or a column that does not sum; mail Total lines likewise', async () => {
    // Before: lost-revenue stacked RUB and EUR in one bar; deal-distribution stacked deals, leads and requests (its
    // Totals are per kind). Each mark is drawn from the rows equal in x, the facet and (side by side) the colour; a
    // stack adds its colours up. Such a group may hold several rows only of a column that sums, and never two values
    // of a Total key (the currency of money, total_by).
    const run = await reportCommand({ db: demo, all: true, from: '2026-01-01', to: '2026-10-31', asOf: '2026-11-20', lang: 'en' });
    type Enc = Record<string, { field: string; aggregate?: string } | undefined>;
    type Spec = { mark: { type: string }; encoding: Enc; spec?: { mark: { type: string }; encoding: Enc }; facet?: Record<string, { field: string }> };
    const drawn: string[] = [];
    for (const r of run.results) {
      const spec = chartSpec(r, 'en') as unknown as Spec | undefined;
      if (!spec) continue;
      drawn.push(r.id);
      const { mark, encoding: e } = spec.spec ?? spec;
      const facet = Object.values(spec.facet ?? {})[0]?.field;
      const stacked = mark.type === 'bar' && e.color !== undefined && e.xOffset === undefined;
      const apart = [e.x!.field, facet, stacked ? undefined : e.color?.field].filter((f): f is string => f !== undefined);
      const y = r.columns.find((c) => c.name === e.y!.field)!;
      const currency = r.columns.find((c) => c.type === 'currency')?.name;
      const keys = [...(y.type === 'money' && currency ? [currency] : []), ...r.totalBy];
      const groups = new Map<string, Row[]>();
      for (const row of r.rows) {
        const k = JSON.stringify(apart.map((f) => row[f] ?? null));
        groups.set(k, [...(groups.get(k) ?? []), row]);
      }
      for (const [k, rows] of groups) {
        if (rows.length > 1) expect.soft(sums(y), `${r.id}: ${rows.length} rows of ${y.name} (does not sum) in one mark ${k}`).toBe(true);
        for (const key of keys) expect.soft(new Set(rows.map((x) => x[key] ?? null)).size, `${r.id}: one mark adds up two values of ${key} (${k})`).toBe(1);
      }
      // A money axis (one per panel) carries one currency, or the panels are the currencies.
      if (y.type === 'money' && currency && facet !== currency) expect.soft(new Set(r.rows.map((x) => x[currency])).size, `${r.id}: currencies on one axis`).toBe(1);
    }
    expect(drawn.length).toBeGreaterThanOrEqual(20);
    // The mail of every report: a Total line per Total row, labelled with its currency (and total_by), naming only columns that sum.
    for (const r of run.results.filter((x) => x.totals.length)) {
      const mail = await composeReportMail({ from: 'a@example.ru', to: ['b@example.ru'], subject: 's', lang: 'en', reports: [r], attachments: [] });
      const lines = String(mail.text).split('\n').filter((l) => l.startsWith('  Total'));
      const shown = r.totals.filter((t) => r.columns.some((c) => sums(c) && t[c.name] !== null && t[c.name] !== undefined));
      expect(lines.length, r.id).toBe(shown.length);
      const currency = r.columns.find((c) => c.type === 'currency')?.name;
      shown.forEach((t, i) => {
        const line = lines[i];
        for (const k of [currency, ...r.totalBy]) if (k && t[k] != null) expect(line, r.id).toContain(String(t[k]));
        for (const cell of line.slice(line.indexOf(': ') + 2).split('; ')) {
          const col = r.columns.filter((c) => cell.startsWith(`${c.en} `)).sort((a, b) => b.en.length - a.en.length)[0];
          expect(col && sums(col), `${r.id}: "${cell}" in a mail Total`).toBe(true);
        }
      });
    }
  });

  it('HTML: the same Total rows, per currency; mail: Total lines of summable columns only', async () => {
    const html = readFileSync(join(dir, 'reports.html'), 'utf8');
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));
    expect((section('revenue-plan-vs-actual').match(/<tr class="total">/g) ?? []).length).toBe(2);
    expect((section('channel-profitability').match(/<tr class="total">/g) ?? []).length).toBe(6);
    const run = await reportCommand({ db: demo, ids: ['manager-ranking'], from: '2026-01-01', to: '2026-10-31', asOf: '2026-11-20', lang: 'ru' });
    const mail = await composeReportMail({ from: 'a@example.ru', to: ['b@example.ru'], subject: 's', lang: 'ru', reports: run.results, attachments: [] });
    const total = String(mail.text).split('\n').find((l) => l.includes('Итого (RUB)'))!;
    const n = '\\d[\\d\\s\\u00a0\\u202f]*';
    expect(total).toMatch(new RegExp(`Лиды ${n}; Новые сделки ${n}; Выиграно ${n}; Сумма выигранных ${n},\\d\\d$`));
    expect(total).not.toMatch(/Средний чек|Доля выигранных/);
  });
});
