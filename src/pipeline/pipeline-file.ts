// crmq.pipeline.yaml: what to import, which rules, which reports, who gets what. Validated with zod; errors give the line.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean, readYamlDoc } from '../yaml-file.js';
import { ENTITIES, type EntityName } from '../model/tables.js';
import { CATEGORIES } from '../reports/report-def.js';
import { SEVERITIES } from '../rules/rule.js';
import { RELATIVE_PERIODS } from './periods.js';

const list = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const PullStep = z.object({ pull: z.object({
  crm: z.enum(['hubspot', 'salesforce', 'pipedrive', 'zoho', 'bitrix24', 'amocrm', 'kommo']), source: z.string(), entities: list.optional(),
  /** Only records changed since then (default: since the last successful pull). */
  since: z.string().optional(), full: z.boolean().default(false),
  /** Continue an unfinished pull first (the default: a crashed night run is finished by the next one). */
  resume: z.boolean().default(true),
  save_raw: z.string().optional(), base_url: z.string().optional(), rate: z.number().positive().optional(),
  /** Mapping files, one per table (crmq pull --mapping). */
  mapping: list.optional(),
}).strict() }).strict();

const ImportStep = z.object({ import: z.object({
  files: list, source: z.string(), preset: z.string().optional(), entity: z.enum(ENTITIES as [EntityName, ...EntityName[]]).optional(),
  mapping: z.string().optional(), encoding: z.string().optional(), currency: z.string().optional(), replace: z.boolean().default(false),
  /** A glob that matches nothing is an error unless this is true. */
  allow_empty: z.boolean().default(false),
}).strict() }).strict();

const CheckStep = z.object({ check: z.object({
  select: list.optional(), exclude: list.optional(), rules: list.optional(), fail_on: z.enum(SEVERITIES).default('error'), baseline: z.string().optional(),
  formats: z.array(z.enum(['json', 'junit', 'csv', 'xlsx', 'markdown'])).default([]),
}).strict() }).strict();

const Period = z.union([z.enum(RELATIVE_PERIODS), z.object({ from: z.string(), to: z.string() }).strict()]);

const ReportStep = z.object({ report: z.object({
  ids: list.optional(), category: z.enum(CATEGORIES).optional(), all: z.boolean().default(false),
  period: Period.default('last-full-month'), params: z.record(z.string(), z.string()).default({}),
  formats: z.array(z.enum(['html', 'xlsx', 'csv', 'json', 'md'])).default(['html', 'xlsx']), lang: z.enum(['en', 'ru']).default('en'),
  fail_on: z.enum(['invalid', 'warning']).optional(),
  /** previous-period, previous-run or YYYY-MM-DD..YYYY-MM-DD: each figure beside its earlier value (crmq report --compare). */
  compare: z.string().regex(/^(previous-period|previous-run|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/, 'previous-period, previous-run or YYYY-MM-DD..YYYY-MM-DD').optional(),
}).strict().refine((r) => r.all || r.category || r.ids?.length, 'give ids, category or all: true') }).strict();

const DeliverStep = z.object({ deliver: z.object({
  smtp: z.string().optional(), from: z.string().min(3), to: list,
  cc: list.optional(), subject: z.string().default('{title}: {period}'), intro: z.string().optional(),
  attach: z.array(z.enum(['xlsx', 'html', 'csv', 'json', 'md'])).default(['xlsx']),
  /** always; only when something changed since the last run; only when a report is invalid or checks failed; skip when there are no rows */
  when: z.enum(['always', 'on_change', 'on_problems', 'not_empty']).default('always'),
  /** The figures the mail leads with, as report.column (the column's Total), with their change since the last mail; default: the first three columns that add up. */
  headline: z.array(z.string().regex(/^[\w-]+\.\w+$/, 'report-id.column')).max(5).optional(),
}).strict() }).strict();

export const PipelineSchema = z.object({
  name: z.string().default('crmq'),
  db: z.string().optional(),
  timezone: z.string().default('UTC'),
  out: z.string().default('out'),
  lock: z.string().optional(),
  log: z.string().optional(),
  /** Who is mailed when the run itself fails (needs a deliver step's SMTP settings, or smtp here). */
  operators: z.object({ to: list, from: z.string().optional(), smtp: z.string().optional() }).strict().optional(),
  steps: z.array(z.union([PullStep, ImportStep, CheckStep, ReportStep, DeliverStep])).min(1),
}).strict();

export type Pipeline = z.infer<typeof PipelineSchema> & { file: string; dir: string };
export type Step = Pipeline['steps'][number];

/** Keys whose values are expanded from the environment (`${VAR}`, `${VAR:-default}`) when the run uses them. */
const EXPANDED = new Set(['db', 'out', 'lock', 'log', 'smtp', 'base_url', 'mapping', 'save_raw', 'rules', 'baseline']);

export function loadPipeline(file: string): Pipeline {
  const doc = readYamlDoc(file, PipelineSchema, { what: 'pipeline file' });
  const data = doc.data;
  // Checked now, not when the run reaches them: a bad time zone or an unset variable fails before any step ran.
  try {
    new Intl.DateTimeFormat('en', { timeZone: data.timezone });
  } catch {
    const zones = Intl.supportedValuesOf('timeZone');
    throw doc.error(['timezone'], `"${data.timezone}" is not a time zone${didYouMean(data.timezone, zones)} (e.g. Europe/Moscow, UTC)`);
  }
  const visit = (v: unknown, path: (string | number)[]): void => {
    const key = typeof path.at(-1) === 'number' ? path.at(-2) : path.at(-1);
    if (typeof v === 'string' && EXPANDED.has(String(key))) {
      for (const m of v.matchAll(/\$\{(\w+)(:-[^}]*)?\}/g)) {
        if (!m[2] && !process.env[m[1]]) throw doc.error(path, `environment variable ${m[1]} is not set`);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
  };
  visit(data, []);
  return { ...data, file, dir: dirname(resolve(file)) };
}
