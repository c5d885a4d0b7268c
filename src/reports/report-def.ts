// A report is a definition in a reports folder: <id>.sql (plain DuckDB SQL, runnable by hand after
// `SET VARIABLE from = DATE '…'` and the like) and <id>.yaml (titles, parameters, columns, validations, chart).
import { z } from 'zod';
import { ENTITIES, type EntityName } from '../model/tables.js';

export const CATEGORIES = ['strategic', 'operational', 'advertising', 'employees', 'analytical', 'budget', 'quality'] as const;
export const COLUMN_TYPES = ['text', 'int', 'money', 'number', 'percent', 'date', 'days', 'currency'] as const;

const Text = z.object({ en: z.string().min(1), ru: z.string().min(1) }).strict();
const entity = z.enum(ENTITIES as [EntityName, ...EntityName[]]);

export const ReportYamlSchema = z
  .object({
    category: z.enum(CATEGORIES),
    title: Text,
    description: Text,
    formula: Text,
    inputs: z.array(entity).min(1),
    /** Extra parameters with defaults (from, to and as_of always exist). Values are SQL-typed by their default. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    columns: z.record(z.string(), z.object({ en: z.string(), ru: z.string(), type: z.enum(COLUMN_TYPES) }).strict()),
    /** The columns that identify a row: must be unique (the grain check). */
    key: z.array(z.string()).min(1),
    validations: z
      .object({
        reconcile: z.array(z.object({ column: z.string(), expected: z.string(), by: z.array(z.string()).default([]), label: z.string().optional() }).strict()).default([]),
        /** Per row, `total` equals the sum of `parts` (e.g. a funnel's entered = advanced + lost + moved back + still there). */
        parts: z.array(z.object({ total: z.string(), parts: z.array(z.string()).min(2) }).strict()).default([]),
        fanout: z.array(z.object({ column: z.string(), expected: z.string(), by: z.array(z.string()).default([]) }).strict()).default([]),
        coverage: z.object({ entity, where: z.string().default('TRUE'), amount: z.string().optional(), excluded: z.string().optional(), max_share: z.number().min(0).max(1).default(0.1) }).strict().optional(),
        window: z.object({ entity, field: z.string(), grain: z.enum(['month', 'day']).default('month') }).strict().optional(),
        currency: z.object({ entity, where: z.string().default('TRUE'), grouped: z.boolean() }).strict().optional(),
        attribution: z.object({ value: z.string(), model: z.string(), group: z.string() }).strict().optional(),
      })
      .strict()
      .default({ reconcile: [], fanout: [], parts: [] }),
    chart: z
      .object({ type: z.enum(['bar', 'line', 'stacked-bar']), x: z.string(), y: z.string(), color: z.string().optional(), title: Text.optional() })
      .strict()
      .optional(),
  })
  .strict();

export type ReportYaml = z.infer<typeof ReportYamlSchema>;

export interface ReportDef extends ReportYaml {
  id: string;
  sql: string;
  /** The .yaml file, for error messages. */
  file: string;
}
