// Two versions of the same Bitrix24 deals export (Windows-1251, `;`), the second with a column renamed, 30% of the
// rows gone, a stage the semantic standard does not map, owners reassigned en masse and an older "Дата изменения":
// `crmq import` says what differs, `crmq check --select drift` raises each drift with its severity and exit code,
// and an identical re-export (the same records in another order) raises nothing.
import iconv from 'iconv-lite';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tmp, write } from '../helpers.js';

interface Deal { id: number; stage: string; owner: string; amount: number; updated: string; channel: string }

const STAGES = ['Новая', 'Подготовка документов', 'Счёт на предоплату', 'В работе', 'Финальный счёт'];
const OWNERS = ['Ольга Крылова', 'Антон Зайцев', 'Александр Орлов', 'Мария Соколова'];
const CHANNELS = ['Звонок', 'Авито', 'Рекомендация', 'Сайт'];
const money = (n: number) => `${Math.floor(n / 1000)} ${String(n % 1000).padStart(3, '0')},00`;

const v1: Deal[] = Array.from({ length: 40 }, (_, k) => {
  const i = k + 1;
  return { id: 1000 + i, stage: STAGES[i % 5], owner: OWNERS[i % 4], amount: (100 + ((i * 37) % 400)) * 1000, updated: `${String((i % 20) + 1).padStart(2, '0')}.11.2026 12:00:00`, channel: CHANNELS[(i + 1) % 4] };
});

/** A Bitrix24 deals export as the CRM writes it: Windows-1251, `;`, every field quoted, a trailing `;`. */
function b24(deals: Deal[], channelHeader = 'Источник'): Buffer {
  const head = ['ID', 'Название сделки', 'Стадия сделки', 'Воронка', 'Сумма', 'Валюта', 'Ответственный', 'Дата создания', 'Дата изменения', channelHeader];
  const rows = deals.map((d) => [String(d.id), `Поставка ${d.id}`, d.stage, 'Общая', money(d.amount), 'Рубль', d.owner, '01.03.2026 10:00:00', d.updated, d.channel]);
  return iconv.encode([head, ...rows].map((r) => r.map((c) => `"${c}"`).join(';') + ';').join('\r\n') + '\r\n', 'win1251');
}

// The second export: 12 of 40 deals gone (ids ending in 0, 1, 2), "Финальный счёт" became "Заморожена", the deals of
// Ольга Крылова and Антон Зайцев went to Глеб Орлов, "Источник" is now "Канал привлечения", and the newest change
// is 10.11.2026 (the first export's was 20.11.2026).
const kept = v1.filter((d) => d.id % 10 >= 3);
const v2: Deal[] = kept.map((d) => ({
  ...d,
  stage: d.stage === 'Финальный счёт' ? 'Заморожена' : d.stage,
  owner: d.owner === 'Ольга Крылова' || d.owner === 'Антон Зайцев' ? 'Глеб Орлов' : d.owner,
  updated: `${String((d.id % 10) + 1).padStart(2, '0')}.11.2026 12:00:00`,
}));

const dir = tmp();
const db = join(dir, 'drift.duckdb');
const first = write(dir, 'Сделки-2026-11-20.csv', b24(v1));
const second = write(dir, 'Сделки-2026-11-27.csv', b24(v2, 'Канал привлечения'));
const again = write(dir, 'Сделки-2026-11-28.csv', b24([...v2].reverse(), 'Канал привлечения'));

type Found = { rule: string; severity: string; source_id: string; message: string };
const drift = async (...extra: string[]) => {
  const r = await cli('check', '--select', 'drift', '--db', db, '--format', 'json', ...extra);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Found[] }).findings };
};

describe('drift between two exports of the same source', () => {
  let imported: { code: number; stdout: string };
  beforeAll(async () => {
    expect((await cli('import', first, '--source', 'b24', '--db', db)).code).toBe(0);
    imported = await cli('import', second, '--source', 'b24', '--db', db);
  });

  it('the premises hold: 28 of 40 deals kept, 8 at the new stage, 14 reassigned', () => {
    expect(kept.length).toBe(28);
    expect(v2.filter((d) => d.stage === 'Заморожена').length).toBe(8);
    expect(v2.filter((d, i) => d.owner !== kept[i].owner).length).toBe(14);
  });

  it('crmq import says what differs from the previous export', () => {
    expect(imported.code).toBe(0);
    const out = imported.stdout;
    expect(out).toContain('since import #1: 40 → 28 deals (-30%); 0 new, 28 changed, 12 gone');
    expect(out).toContain('"Источник" → "Канал привлечения"? (100% of values alike)');
    expect(out).toContain('filled: channel 100% → 0%');
    expect(out).toContain('stage: new "Заморожена"; gone "Финальный счёт"');
    expect(out).toContain('owner: new "Глеб Орлов"; gone "Антон Зайцев", "Ольга Крылова"');
    expect(out).toMatch(/newest updated_at 2026-11-10 12:00:00, older than the previous export's 2026-11-20 12:00:00/);
  });

  it('each drift is a finding with its severity, and errors fail the check (exit 1)', async () => {
    const { code, findings } = await drift();
    expect(code).toBe(1);
    const got = findings.map((f) => `${f.rule} ${f.source_id} ${f.severity}`).sort();
    expect(got).toEqual(
      [
        'deal.drift.schema import:2:column:Источник error',
        'deal.drift.volume import:2:rows error',
        'deal.drift.volume import:2:gone error',
        'deal.drift.fill import:2:fill:channel error',
        'deal.drift.values import:2:stage:new:Заморожена error',
        'deal.drift.values import:2:stage:vanished:Финальный счёт info',
        'deal.drift.values import:2:owner:new:Глеб Орлов warn',
        'deal.drift.values import:2:owner:vanished:Ольга Крылова info',
        'deal.drift.values import:2:owner:vanished:Антон Зайцев info',
        'deal.drift.mass-edit import:2:mass-edit:owner error',
        'deal.drift.mass-edit import:2:mass-edit:stage error',
        'deal.drift.staleness import:2:updated_at error',
      ].sort(),
    );
    const msg = (id: string) => findings.find((f) => f.source_id === id)!.message;
    expect(msg('import:2:column:Источник')).toContain('renamed to "Канал привлечения"? 100% of the values alike; channel is empty now');
    expect(msg('import:2:rows')).toBe('b24: 28 rows, -30.0% against 40 in import #1');
    expect(msg('import:2:mass-edit:owner')).toContain('owner changed on 14 of the 28 records in both exports (50.0%): Антон Зайцев → Глеб Орлов: 8, Ольга Крылова → Глеб Орлов: 6');
    expect(msg('import:2:stage:new:Заморожена')).toContain('not in the deal_stage standard for b24');
  });

  it('a warning alone does not fail the check; --fail-on warn makes it fail', async () => {
    write(join(dir, 'rules'), 'deal.drift.mass-edit.yaml', `
entity: deals
kind: mass-edit
description: Owners only, warn at 40%.
params: { fields: [owner], share: { warn: '40%' } }
severity: error
message: '{source}: {detail}'
docs: { why: A test of a warning-only drift rule., fix: Nothing to fix; it is a test. }
`);
    // A folder's rule replaces the shipped one with the same id.
    const lenient = await cli('check', '--select', 'deal.drift.mass-edit', '--db', db, '--rules', join(dir, 'rules'));
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('[warn] import:2:mass-edit:owner');
    const strict = await cli('check', '--select', 'deal.drift.mass-edit', '--db', db, '--rules', join(dir, 'rules'), '--fail-on', 'warn');
    expect(strict.code).toBe(1);
  });

  it('JUnit and GitHub outputs carry the drift findings', async () => {
    const junit = await cli('check', '--select', 'drift', '--db', db, '--format', 'junit');
    expect(junit.stdout).toMatch(/<testcase classname="crmq.deals" name="deal.drift.volume"[^>]*>\s*<failure/);
    expect(junit.stdout).toContain('[info] b24:import:2:stage:vanished:Финальный счёт');
    const gh = await cli('check', '--select', 'drift', '--db', db, '--format', 'github');
    expect(gh.stdout).toContain('::error title=deal.drift.staleness (b24%3Aimport%3A2%3Aupdated_at)::');
    expect(gh.stdout).toContain('::warning title=deal.drift.values (b24%3Aimport%3A2%3Aowner%3Anew%3AГлеб Орлов)::');
  });

  it('an identical re-export (the same records in another order) raises nothing', async () => {
    const r = await cli('import', again, '--source', 'b24', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('since import');
    const { code, findings } = await drift();
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('a large export', () => {
  it('counts new and gone records exactly and what changed on a sample by source_id, said to be "about"', async () => {
    const d = tmp();
    const big = join(d, 'big.duckdb');
    const n = 30_000;
    const rows = (changed: (i: number) => boolean) =>
      ['id,owner,stage', ...Array.from({ length: n }, (_, k) => `${k + 1},${changed(k + 1) ? 'Глеб Орлов' : OWNERS[k % 4]},Новая`)].join('\n') + '\n';
    write(d, 'v1.csv', rows(() => false));
    // Every fourth record handed to Глеб Орлов: 7,500 of 30,000.
    write(d, 'v2.csv', rows((i) => i % 4 === 0));
    expect((await cli('import', join(d, 'v1.csv'), '--source', 's', '--preset', 'canonical', '--entity', 'deals', '--db', big)).code).toBe(0);
    const r = await cli('import', join(d, 'v2.csv'), '--source', 's', '--preset', 'canonical', '--entity', 'deals', '--db', big, '--format', 'json');
    const [res] = JSON.parse(r.stdout) as { changes: { new: number; gone: number; changed: number; sample: number } }[];
    expect(res.changes).toMatchObject({ new: 0, gone: 0 });
    expect(res.changes.sample).toBeGreaterThan(0.02);
    expect(res.changes.sample).toBeLessThan(0.05);
    expect(Math.abs(res.changes.changed - 7500) / 7500).toBeLessThan(0.1);
    const { findings } = JSON.parse((await cli('check', '--select', 'deal.drift.mass-edit', '--db', big, '--format', 'json')).stdout) as { findings: Found[] };
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toMatch(/owner changed on about \d+ of the 30000 records in both exports \(2\d\.\d%\)/);
  });
});
