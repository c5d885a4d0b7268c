// A report is a definition in a reports folder: <id>.sql (plain DuckDB SQL, runnable by hand after
// `SET VARIABLE from = DATE '…'` and the like) and <id>.yaml (titles, parameters, columns, inputs, validations, chart).
import { z } from 'zod';
import { ENTITIES, type EntityName } from '../model/tables.js';

export const CATEGORIES = ['strategic', 'operational', 'advertising', 'employees', 'analytical', 'budget', 'quality'] as const;
export const COLUMN_TYPES = ['text', 'int', 'money', 'number', 'percent', 'date', 'days', 'currency', 'year'] as const;
/** Column types that may sum (when the column says `sum: true`); the others never do. */
export const SUMMABLE_TYPES = new Set(['int', 'money', 'number']);

const Text = z.object({ en: z.string().min(1), ru: z.string().min(1) }).strict();
const SheetName = z.string().min(1).max(31).regex(/^[^:\\/?*[\]]+$/, 'no : \\ / ? * [ ] in a sheet name');
const entity = z.enum(ENTITIES as [EntityName, ...EntityName[]]);

const Column = z
  .object({
    en: z.string(),
    ru: z.string(),
    type: z.enum(COLUMN_TYPES),
    /** Whether a Total row may add this column up: counts and money (per currency) do; ratios, averages, orders, years do not. */
    sum: z.boolean().optional(),
    /** The input this column's figures come from: with none of it for the period, the column says "no data", never 0. */
    from: entity.optional(),
    /** A ratio that may pass 100% (lead → deal 250%), and why: said in a note on the rows where it does. */
    above_100: Text.optional(),
  })
  .strict();

/** A reason rows of an input are left out of the report, with the check rule that finds the same rows, if any. */
const Exclusion = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    when: z.string(),
    en: z.string(),
    ru: z.string(),
    rule: z.string().optional(),
  })
  .strict();

const DateField = z.union([z.string(), z.object({ field: z.string(), where: z.string() }).strict()]);

/**
 * The rows of one input the report reads (SQL over the input as `t`; deals are read as of the as-of date). Coverage,
 * duplicates, outliers, dominance, the time window and missing inputs are all judged on these rows.
 */
const Scope = z
  .object({
    where: z.string().default('TRUE'),
    /** The money of a row, for shares of the amount, duplicates' and outliers' weight and dominance. */
    amount: z.string().optional(),
    /** Date fields whose months (days) must all have data in the period: the time window. */
    dates: z.array(DateField).default([]),
    grain: z.enum(['month', 'day']).default('month'),
    /** The field that dates the rows the report counts: none of them in the period = "no data" for this input. */
    period: z.string().optional(),
    exclude: z.array(Exclusion).default([]),
    /** How twins are told: same fields within a source (content), only the same id (ids, for catalogues), or collapsed by the report itself. */
    duplicates: z.enum(['content', 'ids', 'collapsed']).default('content'),
    /** The checks judged on these rows (all by default; the data-quality report, whose figures are the findings, skips coverage). */
    checks: z.array(z.enum(['coverage', 'duplicates', 'outliers', 'dominance', 'window'])).default(['coverage', 'duplicates', 'outliers', 'dominance', 'window']),
  })
  .strict();

const CurrencySpec = z.object({ entity, where: z.string().default('TRUE'), grouped: z.boolean() }).strict();

export const ReportYamlSchema = z
  .object({
    category: z.enum(CATEGORIES),
    title: Text,
    /** The XLSX sheet's name where the title is longer than Excel's 31 characters or has : \ / ? * [ ] in it. */
    sheet: z.object({ en: SheetName, ru: SheetName }).strict().optional(),
    description: Text,
    formula: Text,
    inputs: z.array(entity).min(1),
    /** Extra parameters with defaults (from, to and as_of always exist). Values are SQL-typed by their default. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    columns: z.record(z.string(), Column),
    /** The columns that identify a row: must be unique (the grain check). */
    key: z.array(z.string()).min(1),
    /** Total rows are per currency (when there is a currency column) and per each of these columns too (e.g. the attribution model). */
    total_by: z.array(z.string()).default([]),
    scope: z.record(z.string(), Scope).default({}),
    validations: z
      .object({
        reconcile: z.array(z.object({ column: z.string(), expected: z.string(), by: z.array(z.string()).default([]), label: z.union([z.string(), Text]).optional() }).strict()).default([]),
        /** Per row, `total` equals the sum of `parts` (e.g. a funnel's entered = advanced + lost + moved back + still there). */
        parts: z.array(z.object({ total: z.string(), parts: z.array(z.string()).min(2) }).strict()).default([]),
        fanout: z.array(z.object({ column: z.string(), expected: z.string(), by: z.array(z.string()).default([]) }).strict()).default([]),
        /** Share of rows or of an amount (per currency) with errors or left out above which coverage is invalid. */
        max_share: z.number().min(0).max(1).default(0.1),
        /** Share of a currency's total one record (or three) may carry before the report says so. */
        dominance: z.number().min(0).max(1).default(0.5),
        /** grouped: amounts kept apart per currency (a currency column in the key); single: one currency, the rest left out and said so. */
        currency: z.union([CurrencySpec, z.array(CurrencySpec)]).transform((x) => (Array.isArray(x) ? x : [x])).default([]),
        /** Whether the findings of the latest `crmq check` are older than the last import of an input (on by default for reports with a scope). */
        findings: z.boolean().optional(),
      })
      .strict()
      .default({ reconcile: [], fanout: [], parts: [], max_share: 0.1, dominance: 0.5, currency: [] }),
    /** What this report's validations cannot notice, beyond the limits of each kind of check (docs/reports.md). */
    blind_spots: z.array(Text).default([]),
    /** Not a check: a statement of how much a figure depends on the attribution model, shown beside the caveats. */
    spread: z.object({ value: z.string(), model: z.string(), group: z.string() }).strict().optional(),
    chart: z
      .object({ type: z.enum(['bar', 'line', 'stacked-bar']), x: z.string(), y: z.string(), color: z.string().optional(), title: Text.optional() })
      .strict()
      .optional(),
  })
  .strict();

export type ReportYaml = z.infer<typeof ReportYamlSchema>;
export type InputScope = z.infer<typeof Scope>;
export type ReportColumn = z.infer<typeof Column>;

export interface ReportDef extends ReportYaml {
  id: string;
  sql: string;
  /** The .yaml file, for error messages. */
  file: string;
}

/** Whether a Total row adds this column up. */
export const sums = (c: { type: string; sum?: boolean }): boolean => c.sum === true && SUMMABLE_TYPES.has(c.type);
