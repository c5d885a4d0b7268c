import { openDb } from '../src/db/database.js';
import { prepareReportContext } from '../src/reports/context.js';
import { loadReports, SHIPPED_REPORTS } from '../src/reports/load-reports.js';
import { runReport } from '../src/reports/run-report.js';
import { loadSemantics } from '../src/rules/semantics.js';
import { SHIPPED_SEMANTICS } from '../src/rules/config.js';
const db = await openDb('out/demo.duckdb');
const period = { start: '2026-01-01', end: '2026-10-31', asOf: '2026-11-26' };
for (const def of loadReports([SHIPPED_REPORTS])) {
  try {
    await prepareReportContext(db, period, def.params, loadSemantics([SHIPPED_SEMANTICS]));
    const r = await runReport(db, def, period, def.params);
    console.log(def.id.padEnd(26), r.status.padEnd(8), String(r.rows.length).padStart(4), r.seconds.toFixed(2), r.validations.map((v) => `${v.name}:${v.status}${v.status !== 'valid' ? ` (${v.message.en.slice(0, 110)})` : ''}`).join(' | '));
  } catch (e) { console.log(def.id, 'ERROR', (e as Error).message.slice(0, 300)); }
}
db.close();
