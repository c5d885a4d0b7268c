// The base rows reports read, declared once: what makes two rows of a table the same record (within a source, and
// across sources after a CRM migration), which amount an implausible typo hides in, and the SQL views built from that.
// Validations (duplicates, outliers, dominance) and the independent queries of reconcile and fan-out use these views.

export interface BaseTable {
  /** Within one source, rows equal in all of these are one record loaded twice, whatever their ids. */
  same: string[];
  /**
   * Whether equal `same` fields prove it (they include a time to the minute: two calls by one owner at the same minute
   * are one call); otherwise two equal rows may be two real lines (two identical items on a deal, two equal payments on
   * a day) and are only likely twins.
   */
  conclusive: boolean;
  /** Across sources: the same amount, date and counterpart (the expressions; rows where one is NULL are not compared). */
  across?: { amount: string; date: string; counterpart: string };
  /** The money of a row: outliers are judged on it, and left out of sums by nulling these columns. */
  amount?: { expr: string; columns: string[] };
  /** How a row is named in messages. */
  noun: { one: string; many: string; ru: string };
}

/** The usual money of a row: its `amount` column. */
const AMOUNT = { expr: 'amount', columns: ['amount'] };
const lower = (x: string) => `nullif(lower(trim(${x})), '')`;

export const BASE_TABLES: Record<string, BaseTable> = {
  deals: {
    conclusive: true,
    same: ['title', 'amount', 'currency', 'owner', 'created_at', 'closed_at', 'contact_id', 'company_id', 'contact_name', 'company_name', 'pipeline', 'channel'],
    across: { amount: 'amount', date: 'CAST(coalesce(closed_at, created_at) AS DATE)', counterpart: lower('coalesce(company_name, contact_name)') },
    amount: AMOUNT,
    noun: { one: 'deal', many: 'deals', ru: 'сделки' },
  },
  deal_items: {
    conclusive: false,
    same: ['deal_id', 'product_id', 'product_name', 'quantity', 'price', 'amount', 'currency'],
    amount: { expr: 'coalesce(amount, price * coalesce(quantity, 1))', columns: ['amount', 'price'] },
    noun: { one: 'deal item', many: 'deal items', ru: 'позиции сделок' },
  },
  invoices: {
    conclusive: false,
    same: ['number', 'deal_id', 'company_id', 'contact_id', 'issued_at', 'due_at', 'amount', 'currency'],
    across: { amount: 'amount', date: 'issued_at', counterpart: lower('number') },
    amount: AMOUNT,
    noun: { one: 'invoice', many: 'invoices', ru: 'счета' },
  },
  payments: {
    conclusive: false,
    same: ['invoice_id', 'paid_at', 'amount', 'currency', 'method'],
    amount: AMOUNT,
    noun: { one: 'payment', many: 'payments', ru: 'платежи' },
  },
  activities: {
    conclusive: true,
    same: ['type', 'direction', 'status', 'subject', 'owner', 'created_at', 'done_at', 'duration_sec', 'contact_id', 'deal_id', 'lead_id', 'channel'],
    noun: { one: 'activity', many: 'activities', ru: 'активности' },
  },
  leads: {
    conclusive: true,
    same: ['title', 'full_name', 'email', 'phone', 'company_name', 'channel', 'owner', 'created_at', 'amount'],
    amount: AMOUNT,
    noun: { one: 'lead', many: 'leads', ru: 'лиды' },
  },
  deal_stage_history: { conclusive: true, same: ['deal_id', 'stage', 'entered_at'], noun: { one: 'stage history row', many: 'stage history rows', ru: 'история этапов' } },
  touches: { conclusive: true, same: ['contact_id', 'lead_id', 'deal_id', 'touched_at', 'channel', 'campaign'], noun: { one: 'touch', many: 'touches', ru: 'касания' } },
  ad_spend: {
    conclusive: false,
    same: ['date', 'channel', 'campaign', 'amount', 'currency'],
    amount: AMOUNT,
    noun: { one: 'ad spend row', many: 'ad spend rows', ru: 'рекламные расходы' },
  },
  transactions: {
    conclusive: false,
    same: ['date', 'direction', 'category', 'amount', 'currency', 'description', 'deal_id'],
    across: { amount: 'amount', date: 'date', counterpart: lower('description') },
    amount: AMOUNT,
    noun: { one: 'transaction', many: 'transactions', ru: 'операции' },
  },
  products: { conclusive: false, same: ['name', 'sku', 'type', 'price'], noun: { one: 'product', many: 'products', ru: 'товары' } },
};

/** An amount this many times its table's median in the same currency is a typo (six extra zeros), not a sale. */
export const OUTLIER_RATIO = 1000;
/** Fewer positive amounts than this in a currency and no median is trusted. */
export const OUTLIER_MIN_ROWS = 5;

const withCurrency = (t: string) => ['deals', 'deal_items', 'invoices', 'payments', 'leads', 'ad_spend', 'transactions'].includes(t);

/** The tables with an amount: each has its outliers (outlierRowsSql), which reports leave out of its sums. */
export const AMOUNT_TABLES = Object.entries(BASE_TABLES).filter(([, b]) => b.amount).map(([t]) => t);

/**
 * crmq_outliers: every row whose amount is at least OUTLIER_RATIO times the median of the positive amounts of its
 * table and currency. Reports leave these amounts out (the row still counts) unless `outliers = 'include'`. Made
 * empty for every report; each table's rows are added (outlierRowsSql) when a report first reads that table's amounts.
 */
export function outliersSql(): string {
  return `CREATE OR REPLACE TEMP TABLE crmq_outliers (entity VARCHAR, source VARCHAR, source_id VARCHAR, currency VARCHAR, amount DOUBLE, median DOUBLE, ratio DOUBLE);
CREATE OR REPLACE TEMP MACRO crmq_left_out(e, s, id) AS getvariable('outliers') IS DISTINCT FROM 'include'
  AND coalesce(s || chr(31) || id IN (SELECT o.source || chr(31) || o.source_id FROM crmq_outliers o WHERE o.entity = e), FALSE);`;
}

/** The outliers of table `t` added to crmq_outliers. */
export function outlierRowsSql(t: string): string {
  // The median per currency is one hash aggregate joined back (a window median over the whole partition re-sorts per
  // row: 2.2 s for 100,000 deals, and it grew faster than the rows).
  const b = BASE_TABLES[t];
  const cur = withCurrency(t) ? 'currency' : 'CAST(NULL AS VARCHAR)';
  const x = `CAST(${b.amount!.expr} AS DOUBLE)`;
  return `INSERT INTO crmq_outliers
SELECT '${t}' AS entity, r.source, r.source_id, r.currency, r.amount, m.median, r.amount / m.median AS ratio
FROM (SELECT source, source_id, ${cur} AS currency, ${x} AS amount FROM ${t}) r
JOIN (SELECT ${cur} AS currency, median(${x}) FILTER (WHERE ${b.amount!.expr} > 0) AS median, count(*) FILTER (WHERE ${b.amount!.expr} > 0) AS n FROM ${t} GROUP BY 1) m
  ON m.currency IS NOT DISTINCT FROM r.currency
WHERE m.n >= ${OUTLIER_MIN_ROWS} AND m.median > 0 AND abs(r.amount) >= ${OUTLIER_RATIO} * m.median;`;
}

/** The tables with an amount other than deals: each has `crmq_<table>`, its rows with outlier amounts nulled. */
export const KEPT_TABLES = AMOUNT_TABLES.filter((t) => t !== 'deals');

/** `crmq_<table>`: the table with outlier amounts nulled (the rows the reports read); built once per run, when a report reads it. */
export function keptTableSql(t: string): string {
  const b = BASE_TABLES[t];
  return `CREATE OR REPLACE TEMP TABLE crmq_${t} AS SELECT * EXCLUDE (extra) REPLACE (${b.amount!.columns.map((c) => `CASE WHEN crmq_left_out('${t}', source, source_id) THEN NULL ELSE ${c} END AS ${c}`).join(', ')}) FROM ${t};`;
}

/**
 * `crmq_base_<table>`: the table (outlier amounts nulled as in the report's views) with `crmq_record`, the record a
 * row is: its (source, source_id), or, where equal fields prove it, the hash of its source and `same` fields. The
 * independent queries of reconcile and fan-out count `DISTINCT crmq_record`, or sum over
 * `SELECT DISTINCT ON (crmq_record) … WHERE <their filter>`, so a duplicated base row makes the report and its check
 * disagree, and the filter runs before the de-duplication (a view that de-duplicated first would sort whole tables).
 */
export function baseViewsSql(): string {
  return Object.entries(BASE_TABLES).map(([t, b]) => {
    const kept = b.amount ? ` REPLACE (${b.amount.columns.map((c) => `CASE WHEN crmq_left_out('${t}', source, source_id) THEN NULL ELSE ${c} END AS ${c}`).join(', ')})` : '';
    const record = b.conclusive ? `hash(source, ${b.same.join(', ')})` : 'hash(source, source_id)';
    return `CREATE OR REPLACE TEMP VIEW crmq_base_${t} AS SELECT *${kept}, ${record} AS crmq_record FROM ${t};`;
  }).join('\n');
}
