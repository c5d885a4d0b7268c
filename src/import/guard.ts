// The import guard: a file is loaded only in a layout that fits it. A layout fits when it recognises at least
// MIN_SHARE of the file's columns, has the entity's key fields, and no other layout recognises clearly more of
// them. Otherwise the import stops (exit 2) naming the columns it did not recognise and the layouts that fit
// better; --force loads it anyway.
import { knows, rankLayouts, type PresetMatch } from '../connectors/presets/index.js';
import type { EntityMap } from '../connectors/presets/preset.js';
import { CrmqError } from '../errors.js';
import type { EntityName } from '../model/tables.js';

/** Share of a file's columns the chosen layout must recognise. */
export const MIN_SHARE = 0.5;
/** Another layout recognising this much more of the file means the chosen one is the wrong one. */
const CLEARLY_BETTER = 0.25;

/** Each group names fields of which the file must feed at least one. */
export const KEY_FIELDS: Record<EntityName, string[][]> = {
  users: [['name', 'email']],
  contacts: [['full_name', 'first_name', 'last_name', 'emails', 'phones']],
  companies: [['name', 'inn', 'website']],
  leads: [['title', 'full_name', 'first_name', 'last_name', 'emails', 'phones', 'company_name']],
  deals: [['amount', 'stage']],
  deal_stage_history: [['deal_id'], ['stage']],
  activities: [['type', 'subject']],
  products: [['name', 'sku']],
  deal_items: [['deal_id'], ['product_id', 'product_name']],
  invoices: [['number', 'amount']],
  payments: [['amount']],
  ad_spend: [['date'], ['amount', 'impressions', 'clicks']],
  touches: [['touched_at'], ['contact_id', 'lead_id', 'deal_id']],
  transactions: [['date'], ['amount']],
};

export interface Fit {
  /** Columns the layout recognises / all columns. */
  recognised: number;
  total: number;
  unrecognised: string[];
  /** Key-field groups the file feeds none of. */
  missingKeys: string[][];
  /** Layouts that recognise more of the file, best first (at most three). */
  better: PresetMatch[];
  problem?: string;
}

const layoutName = (m: { preset: { id: string }; map: EntityMap }) => `${m.preset.id} ${m.map.entity}`;
const list = (xs: string[], n = 8) => xs.slice(0, n).join(', ') + (xs.length > n ? `, … (${xs.length - n} more)` : '');

/**
 * How well a layout fits a file's columns. `fields` are the canonical fields it feeds; `apiRecords`: the columns are
 * an API's field names (saved JSON), many of them without a canonical field by design, so only the key fields count.
 */
export function assessFit(header: string[], map: EntityMap, fields: Set<string>, presetId: string | undefined, apiRecords: boolean, o: { keyFields?: boolean } = {}): Fit {
  const cols = header.filter((h) => !h.startsWith('__trailing_'));
  const unrecognised = cols.filter((h) => !knows(map, h));
  const recognised = cols.length - unrecognised.length;
  const missingKeys = o.keyFields === false ? [] : KEY_FIELDS[map.entity].filter((group) => !group.some((f) => fields.has(f)));
  const share = cols.length ? recognised / cols.length : 0;
  // Better layouts: ones that recognise clearly more of the file, or as much with more of its signature headers.
  const ranked = apiRecords ? [] : rankLayouts(cols);
  const self = ranked.find((m) => m.preset.id === presetId && m.map.entity === map.entity);
  const better = ranked
    .filter((m) => m !== self)
    .filter((m) => m.recognised.length / cols.length >= Math.max(MIN_SHARE, share + CLEARLY_BETTER) || (m.signatures > (self?.signatures ?? 0) && m.recognised.length >= recognised))
    .sort((a, b) => b.matched - a.matched)
    .slice(0, 3);
  const pct = `${recognised} of ${cols.length} columns (${Math.round(share * 100)}%)`;
  let problem: string | undefined;
  if (missingKeys.length) problem = `no ${missingKeys.map((g) => g.join(' or ')).join(', no ')} column among them`;
  else if (!apiRecords && share < MIN_SHARE) problem = `it recognises only ${pct}`;
  else if (better.length) problem = `another layout recognises more (this one: ${pct})`;
  return { recognised, total: cols.length, unrecognised, missingKeys, better, problem };
}

/** Stops an import whose layout does not fit, with a message that says what was given and what would fit. */
export function refuse(file: string, fit: Fit, chosen: string, how: { preset?: string; entity?: string }): never {
  const given = [how.preset && how.preset !== 'auto' ? `--preset ${how.preset}` : '', how.entity ? `--entity ${how.entity}` : ''].filter(Boolean).join(' ');
  const head = given ? `${given} does not fit ${file} (read as ${chosen})` : `${file}: no layout fits this file (the closest: ${chosen})`;
  const others = fit.better.length
    ? `; fits better: ${fit.better.map((m) => `--preset ${m.preset.id} --entity ${m.map.entity} (${m.recognised.length} of ${fit.total})`).join(', ')}`
    : '';
  const missing = fit.unrecognised.length ? `; not recognised: ${list(fit.unrecognised)}` : '';
  throw new CrmqError(`${head}: ${fit.problem}${missing}${others}. Nothing was loaded; pass --mapping <file.yaml>, or --force to load it as ${chosen} anyway`);
}

export { layoutName };
