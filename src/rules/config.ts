// crmq.yaml: project settings for `crmq check` (and later commands). Everything has a default.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DatabaseSettingsSchema } from '../db/settings-schema.js';
import { readYamlFile } from '../yaml-file.js';
import { SEVERITIES } from './rule.js';
import { packagePath } from '../paths.js';
import { COMPARISONS, type Comparison } from '../dedupe/config.js';

export const ConfigSchema = z
  .object({
    /** Extra rule folders, after the shipped pack (a rule with the same id replaces the shipped one). */
    rules: z.array(z.string()).default([]),
    /** Leave the shipped rule pack out. */
    no_default_rules: z.boolean().default(false),
    /** Semantic standards, merged over the shipped one. */
    semantics: z.array(z.string()).default([]),
    phone_region: z.object({ default: z.string().regex(/^[A-Z]{2}$/).default('RU'), sources: z.record(z.string(), z.string().regex(/^[A-Z]{2}$/)).default({}) }).strict().default({ default: 'RU', sources: {} }),
    fail_on: z.enum(SEVERITIES).default('error'),
    /** crmq dedupe: comparisons of your own fields, per target (a canonical column or a key of extra). */
    dedupe: z
      .object({
        fields: z
          .partialRecord(
            z.enum(['contacts', 'leads', 'people', 'companies']),
            z.record(z.string().min(1), z.object({ compare: z.enum(COMPARISONS as [Comparison, ...Comparison[]]), identifier: z.boolean().default(false), block: z.boolean().default(false) }).strict()),
          )
          .default({}),
      })
      .strict()
      .default({ fields: {} }),
    /** DuckDB's memory limit, spill folder and threads (src/db/settings.ts); the environment overrides them. */
    database: DatabaseSettingsSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema> & { dir: string };

// packagePath, not load-rules.js's SHIPPED_RULES: `crmq report` reads the config without loading every rule kind.
export const SHIPPED_SEMANTICS = packagePath('rules', 'semantics', 'standard.yaml');

export function loadConfig(path?: string): Config {
  const file = path ?? (existsSync('crmq.yaml') ? 'crmq.yaml' : undefined);
  if (!file) return { ...ConfigSchema.parse({}), dir: process.cwd() };
  const data = readYamlFile(file, ConfigSchema, { what: 'config file' });
  const dir = dirname(resolve(file));
  const rel = (p: string) => resolve(dir, p);
  return { ...data, rules: data.rules.map(rel), semantics: data.semantics.map(rel), dir };
}
