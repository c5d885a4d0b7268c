// `crmq check` end to end: the planted problems of the demo data are found, the outputs are what CI systems read,
// and the exit codes come from the real CLI.
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../fixtures/generate.js';
import { demoInto } from './demo.js';
import { cli, cliProcess, ROOT, tmp, write } from './helpers.js';

const dir = tmp();
const db = join(dir, 'demo.duckdb');
const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/sample/manifest.json'), 'utf8')) as Manifest;

interface Finding {
  id: string;
  rule: string;
  severity: string;
  entity: string;
  source: string;
  source_id: string;
  message: string;
  cluster: string | null;
  new: boolean;
}

let findings: Finding[] = [];

/** `crmq check --db <demo> --format github`, the whole pack: run once, read by the tests that need it (~2 CPU s a run). */
let githubRun: ReturnType<typeof cli> | undefined;
const github = () => (githubRun ??= cli('check', '--db', db, '--format', 'github'));

beforeAll(async () => {
  await demoInto(dir); // what `crmq demo --out dir` writes
  findings = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')).findings;
});

/** Which rule must find each planted category; a rule may also flag rows planted under the other categories listed. */
const CATEGORY_RULES: Record<string, { rule: string; alsoFlags?: string[] }> = {
  fake: { rule: 'contact.fake' },
  invalid_email: { rule: 'contact.email.format' },
  invalid_phone: { rule: 'contact.phone.format', alsoFlags: ['fake'] },
  incomplete: { rule: 'contact.reachable.required' },
  unmapped_stage: { rule: 'deal.stage.vocabulary' },
  won_without_amount: { rule: 'deal.won.consistency' },
  close_before_create: { rule: 'deal.dates.consistency' },
  outlier_amount: { rule: 'deal.amount.outlier' },
  impossible_duration: { rule: 'activity.duration.consistency' },
  overpaid_invoice: { rule: 'invoice.overpaid' },
};

describe('crmq check on the demo data', () => {
  it.each(Object.entries(CATEGORY_RULES))('finds every planted %s problem, and nothing else, with %o', (category, { rule, alsoFlags = [] }) => {
    const planted = manifest.planted.filter((p) => p.category === category);
    expect(planted.length).toBeGreaterThan(0);
    const flagged = findings.filter((f) => f.rule === rule).map((f) => `${f.source}:${f.source_id}`);
    for (const p of planted) expect(flagged, `${category} ${p.source}:${p.source_id} (${p.note})`).toContain(`${p.source}:${p.source_id}`);
    const allowed = new Set(manifest.planted.filter((p) => [category, ...alsoFlags].includes(p.category)).map((p) => `${p.source}:${p.source_id}`));
    expect(flagged.filter((x) => !allowed.has(x))).toEqual([]);
  });

  it('finds both planted orphan references (activity → deal, payment → invoice)', () => {
    const planted = manifest.planted.filter((p) => p.category === 'orphan_reference');
    const flagged = findings.filter((f) => f.rule.endsWith('.reference')).map((f) => `${f.entity}:${f.source}:${f.source_id}`);
    expect(flagged.sort()).toEqual(planted.map((p) => `${p.entity}:${p.source}:${p.source_id}`).sort());
  });

  it('finds the planted exact duplicates as clusters, within and across CRMs, and no pair the manifest does not list', () => {
    const dupes = findings.filter((f) => f.rule === 'contact.email.unique' || f.rule === 'contact.phone.unique');
    const truth = manifest.duplicates.map((d) => new Set(d.members.map((m) => `${m.source}:${m.source_id}`)));
    const sameTruthGroup = (a: string, b: string) => truth.some((g) => g.has(a) && g.has(b));
    for (const f of dupes) expect(f.cluster).toBeTruthy();
    const byCluster = new Map<string, string[]>();
    for (const f of dupes) byCluster.set(f.cluster!, [...(byCluster.get(f.cluster!) ?? []), `${f.source}:${f.source_id}`]);
    for (const members of byCluster.values()) for (const m of members.slice(1)) expect(sameTruthGroup(members[0], m), `${members[0]} ~ ${m}`).toBe(true);
    // Every planted pair shares a phone (same digits, typed differently), so the phone rule finds them all.
    const phoneFlagged = new Set(findings.filter((f) => f.rule === 'contact.phone.unique').map((f) => `${f.source}:${f.source_id}`));
    for (const g of truth) for (const m of g) expect(phoneFlagged, m).toContain(m);
  });

  it('flags the planted semantic drift with the figures', () => {
    const drift = findings.filter((f) => f.rule === 'deal.stage.drift' && f.source === 'amo' && f.source_id.startsWith('stage:negotiation'));
    expect(drift).toHaveLength(1);
    expect(drift[0].message).toMatch(/win rate after "negotiation": \d+% in amo \(\d+ closed\) vs \d+% in b24/);
  });

  it('has no error-level finding on a row that was not planted', () => {
    const planted = new Set(manifest.planted.map((p) => `${p.source}:${p.source_id}`));
    expect(findings.filter((f) => f.severity === 'error' && !planted.has(`${f.source}:${f.source_id}`))).toEqual([]);
  });

  it('gives every finding a stable id: the same data gives the same ids', async () => {
    const r = await cli('check', '--db', db, '--format', 'json');
    const again = JSON.parse(r.stdout).findings as Finding[];
    expect(again.map((f) => f.id).sort()).toEqual(findings.map((f) => f.id).sort());
    expect(new Set(again.map((f) => f.id)).size).toBe(again.length);
  });
});

describe('outputs', () => {
  it('JSON: a summary and findings with id, rule, severity, entity, source, source_id, message (and cluster for duplicates)', async () => {
    const r = await cli('check', '--db', db, '--format', 'json', '--select', 'contact.email.unique');
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ rules: 1, findings: expect.any(Number) });
    expect(out.findings[0]).toEqual(expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{16}$/), rule: 'contact.email.unique', severity: 'warn', entity: 'contacts', source: expect.any(String), source_id: expect.any(String), message: expect.any(String), cluster: expect.any(String) }));
  });

  it('JUnit XML validates against the JUnit schema CI systems read', { skip: !process.env.CI && spawnSync('xmllint', ['--version']).status !== 0 }, () => {
    const file = join(dir, 'check.junit.xml');
    const r = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test/fixtures/junit.xsd'), file], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/validates/);
    expect(r.status).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/<testcase classname="crmq.contacts" name="contact.fake" time="[\d.]+">\s*<failure message="3 of \d+ rows fail/);
  });

  it('XLSX: a Summary and a Findings sheet that exceljs reads back', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'check.xlsx'));
    const sheet = wb.getWorksheet('Findings')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'id', 'rule', 'severity', 'entity', 'source', 'source_id', 'message', 'value', 'detail', 'cluster', 'file', 'line', 'new']);
    expect(sheet.rowCount - 1).toBe(findings.length);
    expect(wb.getWorksheet('Summary')!.rowCount - 1).toBeGreaterThanOrEqual(30);
  });

  it('CSV neutralises formula cells; GitHub format writes annotations; markdown a table', async () => {
    const local = join(dir, 'csv.duckdb');
    await cli('import', write(dir, 'inj.csv', 'id,first_name,email\n1,=HYPERLINK("x"),=1+2@@x\n'), '--source', 's', '--entity', 'contacts', '--db', local);
    const csv = await cli('check', '--db', local, '--select', 'contact.email.format', '--format', 'csv');
    expect(csv.stdout).toContain(`"invalid e-mail ""=1+2@@x"""`);
    expect(csv.stdout).toContain(`,"'=1+2@@x",`); // neutralised and quoted (docs/security.md)
    const gh = await cli('check', '--db', local, '--select', 'contact.email.format', '--format', 'github');
    expect(gh.stdout).toMatch(/^::error title=contact\.email\.format \(s%3A1\)::invalid e-mail "=1\+2@@x"$/m);
    const md = await cli('check', '--db', local, '--select', 'contact.email.format', '--format', 'markdown');
    expect(md.stdout).toMatch(/\| contact\.email\.format \| ❌ fail \| error \| contacts \| 1 \| 1 \| > 0 \|/);
  });

  it('the terminal summary has no colour when not a TTY', () => {
    const r = cliProcess(['check', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toMatch(/\d+ rules: \d+ clean, \d+ with findings, 36 skipped; \d+ findings/); // 5 on empty tables, 31 drift rules with one export each
  });
});

describe('CI outputs', () => {
  const json = () => JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')) as { rules: { rule: string; checked: number; skipped: boolean }[]; findings: (Finding & { file: string | null; line: number | null; detail: string | null })[] };

  it('GitHub annotations point at the file and record line each finding came from', async () => {
    const gh = await github();
    const hubspot = 'fixtures/sample/hubspot/hubspot-crm-exports-all-contacts-2026-11-20.csv';
    const annotated = [...gh.stdout.matchAll(/^::(error|warning|notice) file=([^,]+),line=(\d+),title=[^:]+\(hubspot%3A(\d+)\)::/gm)].filter((m) => m[2] === hubspot);
    expect(annotated.length).toBeGreaterThan(0);
    // Independently: that record of the file (header = 1) holds the annotated id.
    const { parse } = await import('csv-parse/sync');
    const records = parse(readFileSync(join(ROOT, hubspot)), { relax_column_count: true }) as string[][];
    for (const [, , , line, id] of annotated) expect(records[Number(line) - 1], `line ${line}`).toContain(id);
    // Every finding on a file-imported contact has its file and line in the JSON.
    for (const f of json().findings.filter((x) => x.entity === 'contacts')) expect([f.file?.endsWith('.csv') || f.file?.endsWith('.xlsx'), typeof f.line]).toEqual([true, 'number']);
  });

  it('a rule that checked no rows is skipped, not passed, in every output', async () => {
    const skipped = json().rules.filter((x) => x.skipped).map((x) => x.rule);
    expect(skipped.sort()).toEqual(json().rules.filter((x) => x.checked === 0).map((x) => x.rule).sort());
    expect(skipped).toContain('company.inn.format'); // the demo has no companies table rows
    const junit = readFileSync(join(dir, 'check.junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="crmq.companies" name="company.inn.format" time="[\d.]+">\s*<skipped message="no companies rows to check"\/>/);
    expect(junit).toMatch(/<testsuite name="companies" tests="11" failures="0" errors="0" skipped="11"/); // 5 rules + 6 drift rules
    const md = readFileSync(join(dir, 'check.md'), 'utf8');
    expect(md).toMatch(/\| company\.inn\.format \| ⏭ skipped \(no rows\) \|/);
    expect((await github()).stdout).toMatch(/^::notice title=company\.inn\.format skipped::no companies rows to check/m);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'check.xlsx'));
    const summary = wb.getWorksheet('Summary')!;
    const statusOf = new Map(summary.getSheetValues().slice(2).map((r) => [(r as string[])[1], (r as string[])[9]]));
    expect(statusOf.get('company.inn.format')).toBe('skipped');
  });

  it('markdown lists failing rules first, then rules with findings, clean, skipped', () => {
    const md = readFileSync(join(dir, 'check.md'), 'utf8');
    const statuses = [...md.matchAll(/^\| [a-z_.-]+ \| (❌ fail|⚠ findings|✓ pass|⏭ skipped \(no rows\)) \|/gm)].map((m) => m[1]);
    expect(statuses.length).toBe(json().rules.length);
    const order = ['❌ fail', '⚠ findings', '✓ pass', '⏭ skipped (no rows)'];
    expect(statuses.map((x) => order.indexOf(x))).toEqual([...statuses.map((x) => order.indexOf(x))].sort((a, b) => a - b));
    expect(statuses[0]).toBe('❌ fail');
  });

  it('the "also" list of a duplicate names the other members, never the record itself', () => {
    const dupes = json().findings.filter((f) => f.rule === 'contact.email.unique' || f.rule === 'contact.phone.unique');
    expect(dupes.length).toBeGreaterThan(0);
    for (const f of dupes) {
      const others = dupes.filter((g) => g.cluster === f.cluster && g !== f).map((g) => `${g.source}:${g.source_id}`).sort();
      expect(f.detail, `${f.source}:${f.source_id}`).toBe(`also ${others.join(', ')}`);
    }
  });
});

// The exit code is what the CLI's main returns (bin/crmq.js only sets it): the real process is run for each code once,
// on a quick selection, and the rest in-process (a process costs about a CPU second to start before the rules run).
describe('exit codes and CI behaviour', () => {
  it('1 when a rule at or above --fail-on crosses its threshold, 0 when none does', async () => {
    expect((await github()).code).toBe(1); // the whole pack on the demo (and in the terminal format: see "no colour" above)
    expect(cliProcess(['check', '--db', db, '--select', 'contact.email.unique']).code).toBe(0); // warn < error (the real process)
    expect(cliProcess(['check', '--db', db, '--select', 'contact.email.unique', '--fail-on', 'warn']).code).toBe(1);
    expect((await cli('check', '--db', db, '--select', 'contacts', '--exclude', 'contact.fake,contact.email.format,contact.reachable.required')).code).toBe(0);
  });

  it('2 for usage and config errors', async () => {
    expect(cliProcess(['check', '--db', db, '--fail-on', 'sometimes']).code).toBe(2); // the real process
    expect((await cli('check', '--db', join(dir, 'nope.duckdb'))).code).toBe(2);
    const r = await cli('check', '--db', db, '--select', 'no.such.rule');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--select: no rule matches no\.such\.rule/);
    expect((await cli('check', '--db', db, '--format', 'xlsx')).stderr).toMatch(/--format xlsx needs --output/);
  });

  it('a threshold lets a rule pass below it', async () => {
    const rules = tmp();
    const text = readFileSync(join(ROOT, 'rules/contact.fake.yaml'), 'utf8');
    write(rules, 'contact.fake.yaml', `${text}fail_if: "> 5%"\n`);
    expect((await cli('check', '--db', db, '--rules', rules, '--select', 'contact.fake')).code).toBe(0);
    write(rules, 'contact.fake.yaml', `${text}fail_if: "> 1%"\n`);
    expect((await cli('check', '--db', db, '--rules', rules, '--select', 'contact.fake')).code).toBe(1);
  });

  it('--baseline counts only new findings', async () => {
    const local = join(dir, 'baseline.duckdb');
    cpSync(db, local);
    const baseline = join(dir, 'baseline.json');
    expect((await cli('check', '--db', local, '--write-baseline', baseline)).code).toBe(1);
    expect((await cli('check', '--db', local, '--baseline', baseline)).code).toBe(0);
    await cli('import', write(dir, 'new-bad.csv', 'id,first_name,email\n9001,Олег,oleg@@mail.ru\n'), '--source', 'late', '--entity', 'contacts', '--db', local);
    const r = await cli('check', '--db', local, '--baseline', baseline, '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: Finding) => f.new).map((f: Finding) => `${f.rule} ${f.source_id}`)).toEqual(['contact.email.format 9001']);
  });
});

describe('crmq rules', () => {
  it('lists the pack and shows one rule with its docs', async () => {
    const list = JSON.parse((await cli('rules', 'list', '--format', 'json')).stdout);
    expect(list.map((r: { id: string }) => r.id)).toContain('contact.email.format');
    const show = await cli('rules', 'show', 'contact.email.format');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Why it matters\nMail to a malformed address bounces/);
    expect((await cli('rules', 'show', 'nope.rule')).code).toBe(2);
  });
});
