// DuckDB's memory limit, spill folder and threads: a bounded default, crmq.yaml, then the environment.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/db/database.js';
import { defaultMemoryLimit, duckdbOptions } from '../src/db/settings.js';
import { CrmqError } from '../src/errors.js';
import { tmp } from './helpers.js';

const GiB = 2 ** 30;

describe('database settings', () => {
  it('default: half the RAM, at most 4 GiB; spilling beside the database file', () => {
    expect(defaultMemoryLimit(24 * GiB)).toBe('4096MiB');
    expect(defaultMemoryLimit(4 * GiB)).toBe('2048MiB');
    expect(duckdbOptions('/data/crm.duckdb', {}, {})).toEqual({ memory_limit: defaultMemoryLimit(), temp_directory: '/data/crm.duckdb.tmp' });
  });

  it('crmq.yaml sets them, the environment overrides it; a bad value is one line naming where it came from', () => {
    const config = { memory_limit: '2GB', temp_directory: '/spill', threads: 1 };
    expect(duckdbOptions('/d.duckdb', config, {})).toEqual({ memory_limit: '2GB', temp_directory: '/spill', threads: '1' });
    expect(duckdbOptions('/d.duckdb', config, { CRMQ_MEMORY_LIMIT: '700MB', CRMQ_TEMP_DIRECTORY: '/other', CRMQ_THREADS: '2' }))
      .toEqual({ memory_limit: '700MB', temp_directory: '/other', threads: '2' });
    expect(() => duckdbOptions('/d.duckdb', {}, { CRMQ_MEMORY_LIMIT: 'lots' })).toThrow(new CrmqError('CRMQ_MEMORY_LIMIT: "lots" is not a size such as 4GB or 512MB'));
    expect(() => duckdbOptions('/d.duckdb', {}, { CRMQ_THREADS: '0' })).toThrow(CrmqError);
  });

  it('a database opens with them', async () => {
    const path = join(tmp(), 's.duckdb');
    process.env.CRMQ_MEMORY_LIMIT = '300MB';
    try {
      const db = await openDb(path);
      const [s] = await db.all<{ m: string; t: string }>(`SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t`);
      db.close();
      expect(s).toEqual({ m: '286.1 MiB', t: `${path}.tmp` });
    } finally {
      delete process.env.CRMQ_MEMORY_LIMIT;
    }
  });

  it('a command without --config reads them from ./crmq.yaml when there is one; a bad value there is named', async () => {
    const dir = tmp();
    const here = process.cwd();
    writeFileSync(join(dir, 'crmq.yaml'), 'database:\n  memory_limit: 200MB\n');
    process.chdir(dir);
    try {
      const db = await openDb(join(dir, 'y.duckdb'));
      const [s] = await db.all<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
      db.close();
      expect(s.m).toBe('190.7 MiB');
      writeFileSync(join(dir, 'crmq.yaml'), 'database:\n  memory_limit: lots\n');
      await expect(openDb(join(dir, 'y.duckdb'))).rejects.toThrow(/crmq\.yaml.*memory_limit/);
    } finally {
      process.chdir(here);
    }
  });
});
