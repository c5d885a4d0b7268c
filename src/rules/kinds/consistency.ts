import { z } from 'zod';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'consistency',
  description: 'A SQL boolean over the row that must hold (NULL counts as holding: pair it with `required` for presence).',
  params: z.object({ check: z.string().min(1), show: z.string().default("''") }).strict(),
  row: (p) => ({ fails: `NOT coalesce((\n${p.check}\n), TRUE)`, value: `CAST((\n${p.show}\n) AS VARCHAR)` }),
});
