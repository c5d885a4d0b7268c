// The import guard: every sample export (fixtures/sample and ../shared/samples) loads in its own layout, and in
// any wrong one (--preset or --entity) the import stops with exit 2 naming the columns it did not recognise,
// loading nothing. `--explain` shows the layout column by column without loading.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/connectors/presets/index.js';
import { CrmqError } from '../../src/errors.js';
import { prepare } from '../../src/import/import-file.js';
import { plan } from '../../src/import/plan.js';
import { ENTITIES } from '../../src/model/tables.js';
import { cli, HAS_SHARED, query, ROOT, SHARED, tmp } from '../helpers.js';

const dir = tmp();
const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/sample/manifest.json'), 'utf8')) as { files: { path: string }[] };
const SAMPLES = [
  ...manifest.files.map((f) => join(ROOT, 'fixtures/sample', f.path)),
  ...(HAS_SHARED ? ['amocrm', 'hubspot', 'salesforce'].flatMap((d) => readdirSync(join(SHARED, 'samples', d)).filter((f) => /\.(csv|json)$/.test(f) && !f.includes('data-plan')).map((f) => join(SHARED, 'samples', d, f))) : []),
];

async function layoutOf(file: string, flags: { preset?: string; entity?: string }) {
  const pf = await prepare(file, mkdtempSync(join(dir, 'guard-')), {}); // in the file's folder: pf.cleanup() leaves the folder
  try {
    const p = plan(pf.header, pf.header.map((_, i) => `c${i + 1}`), pf, { file, ...flags });
    return { ok: `${p.preset?.id}/${p.map.entity}` };
  } catch (err) {
    if (!(err instanceof CrmqError)) throw err;
    return { refused: err.message };
  } finally {
    pf.cleanup();
  }
}

describe('every sample export, with every wrong --preset and every wrong --entity', () => {
  it.each(SAMPLES.map((f) => [f.replace(`${ROOT}/`, '').replace(`${SHARED}/`, ''), f]))('%s', async (_name, file) => {
    const right = await layoutOf(file, {});
    expect(right.refused).toBeUndefined();
    const [preset, entity] = right.ok!.split('/');
    const wrong: { preset?: string; entity?: string }[] = [...PRESETS.map((p) => p.id).filter((p) => p !== preset).map((p) => ({ preset: p })), ...ENTITIES.filter((e) => e !== entity).map((e) => ({ entity: e }))];
    const accepted: string[] = [];
    for (const flags of wrong) {
      const r = await layoutOf(file, flags);
      if (r.ok) accepted.push(`${JSON.stringify(flags)} → ${r.ok}`);
      else {
        // The message names the flag it refuses, never asks for a flag that was given.
        const given = flags.preset ? `--preset ${flags.preset}` : `--entity ${flags.entity}`;
        expect(r.refused).toContain(given);
        expect(r.refused).not.toMatch(/pass --preset and --entity/);
      }
    }
    expect(accepted).toEqual([]);
  });
});

describe('crmq import stops on a layout that does not fit (exit 2, nothing loaded)', () => {
  const b24 = (f: string) => join(ROOT, 'fixtures/sample/bitrix24', f);
  const cases: [string, string[], RegExp][] = [
    ['an amoCRM leads export read with --preset bitrix24', [join(ROOT, 'fixtures/sample/amocrm/amocrm_export_leads_2026-11-20.xlsx'), '--preset', 'bitrix24'],
      /^crmq: --preset bitrix24 does not fit .*amocrm_export_leads.*: no amount or stage column among them; not recognised: .*Бюджет.*Этап сделки.*fits better: --preset amocrm --entity deals/],
    ['Сделки.csv read as contacts', [b24('Сделки.csv'), '--entity', 'contacts'], /^crmq: --entity contacts does not fit .*Сделки\.csv.*not recognised: .*Название сделки.*fits better: --preset bitrix24 --entity deals/],
    ['a Bitrix24 export read with --preset hubspot', [b24('Контакты.csv'), '--preset', 'hubspot'], /^crmq: --preset hubspot does not fit .*Контакты\.csv.*not recognised: .*Отчество/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const db = join(dir, `${_what.replace(/\W/g, '_')}.duckdb`);
    const r = await cli('import', ...args, '--source', 's', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    if (existsSync(db)) expect(await query(db, 'SELECT count(*) AS n FROM imports')).toEqual([{ n: 0 }]);
    // --force loads it anyway, in the layout named.
    expect((await cli('import', ...args, '--source', 's', '--db', db, '--force')).code).toBeLessThan(2);
  });

  it('auto-detection: the Bitrix24 folder loads activities.csv as crmq columns, not as Salesforce', async () => {
    const db = join(dir, 'b24-folder.duckdb');
    const r = await cli('import', b24('activities.csv'), '--source', 'b24', '--db', db, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ preset: 'canonical', entity: 'activities', unmapped: [] });
  });
});

describe('crmq import --explain', () => {
  it('prints preset, entity, each column with its field and format, and loads nothing', async () => {
    const db = join(dir, 'explain.duckdb');
    const r = await cli('import', '--explain', join(ROOT, 'fixtures/sample/bitrix24/Сделки.csv'), '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Сделки\.csv: bitrix24 deals \[windows-1251, ';'\], 84 rows/);
    expect(r.stdout).toMatch(/Сумма\s+→ amount {2}\(decimal comma\)/);
    expect(r.stdout).toMatch(/Дата создания\s+→ created_at {2}\(DD\.MM\.YYYY\)/);
    expect(r.stdout).toMatch(/ID\s+→ source_id/);
    expect(existsSync(db)).toBe(false);
    const wrong = await cli('import', '--explain', join(ROOT, 'fixtures/sample/bitrix24/Сделки.csv'), '--entity', 'contacts', '--format', 'json');
    expect(JSON.parse(wrong.stdout)[0].problem).toMatch(/--entity contacts does not fit/);
  });
});
