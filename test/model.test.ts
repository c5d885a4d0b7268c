// The canonical model is declared once: the DuckDB tables and the zod row schemas must agree on real rows.
import { describe, expect, it } from 'vitest';
import { ROW_SCHEMAS } from '../src/model/schema.js';
import { ENTITIES } from '../src/model/tables.js';
import { demoInto } from './demo.js';
import { query, tmp } from './helpers.js';

describe('the canonical model', () => {
  it('every row the demo imports satisfies its entity\'s zod schema', async () => {
    const dir = tmp();
    const db = await demoInto(dir); // what `crmq demo` imports
    let checked = 0;
    for (const entity of ENTITIES) {
      const rows = await query(db, `SELECT * FROM ${entity}`);
      for (const row of rows) {
        const parsed = ROW_SCHEMAS[entity].safeParse(row);
        expect(parsed.success, `${entity} ${JSON.stringify(row).slice(0, 200)}: ${parsed.success ? '' : parsed.error.issues[0].path.join('.')}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
});
