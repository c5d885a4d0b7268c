// The faults the mutation suite plants in the clean dataset (clean-dataset.ts), one at a time: each is SQL over a copy
// of the database, the table it breaks, and the validation that must notice it in at least one report.
import type { EntityName } from '../../src/model/tables.js';
import type { ValidationName } from '../../src/reports/validation.js';

export interface Fault {
  id: string;
  table: EntityName;
  sql: string[];
  /** The validation that must change status in at least one report reading the table. */
  caughtBy: ValidationName[];
  /** Tables whose check rules are run again after the fault (besides the faulted table); none for stale findings. */
  recheck?: boolean;
}

// Rows of the clean dataset in the period (August–October 2026): d105 won (created 09-14, closed 09-24), its item
// i105, history row h105-1, touch t105a; d110 won with invoice inv110 half paid by pay110 (open, 31–60 days past due).
const ROW: Partial<Record<EntityName, string>> = {
  deals: 'd105', deal_items: 'i105', invoices: 'inv110', payments: 'pay110', activities: 'call100', leads: 'l100',
  deal_stage_history: 'h105-1', touches: 't105a', ad_spend: 'ad100-0', transactions: 'tx100', products: 'P1',
};
const DATE: Partial<Record<EntityName, string>> = {
  deals: 'created_at', leads: 'created_at', activities: 'created_at', deal_stage_history: 'entered_at', invoices: 'issued_at', payments: 'paid_at',
  ad_spend: 'date', transactions: 'date',
};
const AMOUNT: Partial<Record<EntityName, string>> = { deals: 'amount', deal_items: 'amount', invoices: 'amount', payments: 'amount', ad_spend: 'amount', transactions: 'amount' };
const TABLES = Object.keys(ROW) as EntityName[];
const row = (t: EntityName) => `source_id = '${ROW[t]}'`;

export const FAULTS: Fault[] = [
  // The same record loaded twice: a second row equal in everything but its id (as a re-export with new ids would give).
  ...TABLES.map((t): Fault => ({ id: `duplicate ${t}`, table: t, sql: [`INSERT INTO ${t} SELECT * REPLACE (source_id || '-copy' AS source_id) FROM ${t} WHERE ${row(t)}`], caughtBy: ['duplicates'] })),
  // ... and under the same id (an import that appended instead of replacing; deals: the findings tests do it on the demo).
  ...(['deal_items', 'payments'] as EntityName[]).map((t): Fault => ({ id: `same id twice ${t}`, table: t, sql: [`INSERT INTO ${t} SELECT * FROM ${t} WHERE ${row(t)}`], caughtBy: ['duplicates'] })),
  // After a CRM migration the same deal in two sources: same amount, date and counterpart, other ids.
  { id: 'across sources deals', table: 'deals', sql: [`INSERT INTO deals SELECT * REPLACE ('crm-old' AS source, 'old-105' AS source_id) FROM deals WHERE ${row('deals')}`], caughtBy: ['duplicates'] },
  // A row in another currency than the rest.
  ...(['deals', 'deal_items', 'invoices', 'payments', 'ad_spend', 'transactions'] as EntityName[]).map((t): Fault => ({
    id: `foreign currency ${t}`, table: t, sql: [`UPDATE ${t} SET currency = 'USD' WHERE ${row(t)}`], caughtBy: t === 'payments' ? ['coverage'] : t === 'invoices' ? ['currency', 'coverage'] : ['currency'],
  })),
  // An export that lacks a month: nothing dated September 2026.
  ...(Object.keys(DATE) as EntityName[]).map((t): Fault => ({ id: `missing month ${t}`, table: t, sql: [`DELETE FROM ${t} WHERE strftime(${DATE[t]}, '%Y-%m') = '2026-09'`], caughtBy: ['window'] })),
  // A typo with six extra zeros.
  ...(Object.keys(AMOUNT) as EntityName[]).map((t): Fault => ({ id: `amount ×10^6 ${t}`, table: t, sql: [`UPDATE ${t} SET ${AMOUNT[t]} = ${AMOUNT[t]} * 1000000 WHERE ${row(t)}`], caughtBy: ['outliers'] })),
  // Two extra zeros: below the outlier ratio, so the amount stays in, and one invoice now carries most of the total.
  { id: 'amount ×100 invoices', table: 'invoices', sql: [`UPDATE invoices SET amount = amount * 100 WHERE ${row('invoices')}`], caughtBy: ['dominance'] },
  { id: 'closed before created deals', table: 'deals', sql: [`UPDATE deals SET created_at = closed_at + INTERVAL 2 DAY WHERE ${row('deals')}`], caughtBy: ['coverage'] },
  {
    id: 'orphan deal_stage_history', table: 'deal_stage_history', caughtBy: ['coverage'],
    sql: [`INSERT INTO deal_stage_history (source, source_id, import_id, deal_id, stage, entered_at) VALUES ('crm', 'orphan-1', 0, 'd999', 'Новая', '2026-09-10 10:00:00'), ('crm', 'orphan-2', 0, 'd999', 'В работе', '2026-09-12 10:00:00')`],
  },
  { id: 'orphan payments', table: 'payments', caughtBy: ['coverage'], sql: [`INSERT INTO payments (source, source_id, import_id, invoice_id, paid_at, amount, currency) VALUES ('crm', 'pay-orphan', 0, 'inv999', '2026-09-10', 25000, 'RUB')`] },
  // An input never imported.
  ...TABLES.map((t): Fault => ({ id: `missing input ${t}`, table: t, sql: [`DELETE FROM ${t}`], caughtBy: ['inputs'] })),
];

/** Leads imported again after the latest check: its findings may no longer describe them (the same check guards every input). */
export const STALE: Fault = {
  id: 'stale findings leads', table: 'leads', caughtBy: ['findings'], recheck: false,
  sql: [`INSERT INTO imports (import_id, source, entity, file, sha256, preset, rows_read, rows_loaded, rows_rejected, started_at, finished_at)
    SELECT 1000, 'crm', 'leads', 'leads.csv', 'sha', 'canonical', 1, 1, 0, max(started_at) + INTERVAL 1 MINUTE, max(started_at) + INTERVAL 1 MINUTE FROM check_runs`],
};

export const FAULT_TABLES = TABLES;
