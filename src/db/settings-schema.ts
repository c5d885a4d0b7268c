// The `database:` block of crmq.yaml (zod), apart from settings.ts so that opening a database loads zod and yaml
// only when there is a crmq.yaml to read.
import { z } from 'zod';
import { SIZE } from './settings.js';

export const DatabaseSettingsSchema = z
  .object({
    /** DuckDB's memory_limit, e.g. 4GB (default: half the RAM, at most 4 GiB). */
    memory_limit: z.string().regex(SIZE, 'a size such as 4GB or 512MB').optional(),
    /** Where DuckDB spills what does not fit (default: <database>.tmp beside the database file, as DuckDB does). */
    temp_directory: z.string().min(1).optional(),
    /** Worker threads (default: one per core). */
    threads: z.number().int().positive().optional(),
  })
  .strict();

export type DatabaseSettings = z.infer<typeof DatabaseSettingsSchema>;
