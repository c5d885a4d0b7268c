// `crmq find "Иванов Сергей"`: fuzzy lookup (fuse.js) over contacts and companies, Cyrillic and Latin alike.
import type { Command } from 'commander';
import Fuse from 'fuse.js';
import { withDb } from '../db/database.js';
import { DEDUPE_MACROS } from '../dedupe/normalize-sql.js';
import { CrmqError } from '../errors.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, wholeNumber, type Io } from './command.js';

export async function findCommand(query: string, opts: { db?: string; limit?: number }) {
  if (!query.trim()) throw new CrmqError('find: give something to look for, e.g. crmq find "Иванов Сергей"');
  return withDb(
    opts.db,
    async (db) => {
      await db.run(DEDUPE_MACROS);
      const rows = await db.all<{ entity: string; source: string; source_id: string; name: string; email: string | null; phone: string | null; key: string }>(`
        SELECT 'contact' AS entity, source, source_id, coalesce(full_name, concat_ws(' ', first_name, last_name)) AS name, email, phone,
          concat_ws(' ', dd_name(full_name), dd_name(first_name), dd_name(last_name), lower(email), regexp_replace(phone, '\\D', '', 'g')) AS key FROM contacts
        UNION ALL SELECT 'lead', source, source_id, coalesce(full_name, title), email, phone,
          concat_ws(' ', dd_name(full_name), dd_name(title), lower(email), regexp_replace(phone, '\\D', '', 'g')) FROM leads
        UNION ALL SELECT 'company', source, source_id, name, email, phone, concat_ws(' ', dd_company(name), dd_domain(website), regexp_replace(phone, '\\D', '', 'g')) FROM companies`);
      const [{ q }] = await db.all<{ q: string }>(`SELECT concat_ws(' ', dd_name($$${query.replaceAll('$', '')}$$), regexp_replace($$${query.replaceAll('$', '')}$$, '[^0-9]', '', 'g')) AS q`);
      const fuse = new Fuse(rows, { keys: ['key'], includeScore: true, threshold: 0.35, ignoreLocation: true, useExtendedSearch: false });
      return fuse.search(q.trim()).slice(0, opts.limit ?? 10).map((r) => ({ score: Number((1 - (r.score ?? 1)).toFixed(3)), entity: r.item.entity, source: r.item.source, source_id: r.item.source_id, name: r.item.name, email: r.item.email, phone: r.item.phone }));
    },
    { mustExist: true },
  );
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<query>', 'e.g. "Иванов Сергей", "ivanov@mail.ru", "+7 912 345"')
    .option('--limit <n>', 'at most this many results', wholeNumber('--limit', 1, 'a positive whole number'), 10)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (query: string, o) => printRows(io, await findCommand(query, o), o.format));
}
