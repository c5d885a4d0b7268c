// A rule is data: one YAML file in a rules folder, its id the file name (rules/contact.email.format.yaml).
import { z } from 'zod';
import { ENTITIES, type EntityName } from '../model/tables.js';

export const SEVERITIES = ['info', 'warn', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const RuleFileSchema = z
  .object({
    entity: z.enum(ENTITIES as [EntityName, ...EntityName[]]),
    kind: z.string().min(1),
    description: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    severity: z.enum(SEVERITIES),
    where: z.string().optional(),
    fail_if: z.union([z.string(), z.number()]).optional(),
    tags: z.array(z.string()).default([]),
    message: z.string().min(1),
    docs: z.object({ why: z.string().min(1), fix: z.string().min(1) }).strict(),
  })
  .strict();

export type RuleFile = z.infer<typeof RuleFileSchema>;

export interface Rule extends RuleFile {
  id: string;
  /** Where the rule was loaded from, for error messages. */
  file: string;
  /** Parameters after the kind's schema applied its defaults. */
  params: Record<string, unknown>;
}
