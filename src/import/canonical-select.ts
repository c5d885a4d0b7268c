// Builds the SELECT that turns staged text columns into one entity's canonical rows, in three layers so
// that every expression is computed once per row: (1) cleaned raw cells, (2) typed fields, (3) derived
// fields and the `extra` JSON (unmapped columns, values hidden by coalesce, raw text that did not parse).
import type { Db } from '../db/database.js';
import { ident, lit, litList } from '../db/sql.js';
import { fieldsOf, type FieldType } from '../model/tables.js';
import type { Plan } from './plan.js';
import { profileColumns } from './profile.js';
import { cleaned, currencyInAmountExpr, listExpr, unescapedFormula, valueExpr } from './transforms.js';

export interface CanonicalSelect {
  /** `SELECT … FROM (…)` producing exactly the entity's columns plus lineage. */
  sql: string;
  /** Typed fields whose unparsed raw values are recorded in extra as `unparsed.<field>`. */
  unparsedFields: string[];
  /** Format decisions per column, for the import summary. */
  formats: Record<string, string>;
}

const raw = (c: string) => ident(`__v_${c}`);

/** won / lost / open from an explicit status, else from the stage label's wording. */
export function dealStatusExpr(status: string | undefined, stage: string | undefined): string {
  const won = `'(^|[^a-zа-я])(won|выиграна|успешн|success|closedwon|closed won|оплачен)'`;
  const lost = `'(^|[^a-zа-я])(lost|lose|проиграна|провал|не реализ|отказ|closedlost|closed lost|junk)'`;
  const from = (v: string) => `CASE WHEN regexp_matches(lower(${v}), ${lost}) THEN 'lost' WHEN regexp_matches(lower(${v}), ${won}) THEN 'won' END`;
  const parts = [status && from(status), stage && from(stage), stage || status ? `'open'` : undefined].filter(Boolean);
  return parts.length ? `coalesce(${parts.join(', ')})` : 'NULL';
}

export async function buildCanonicalSelect(
  db: Db,
  stage: string,
  p: Plan,
  header: string[],
  cols: string[],
  lineage: { source: string; sourceId: string; importId: number; line: string; where: string },
): Promise<CanonicalSelect> {
  const labels = Object.fromEntries(cols.map((c, i) => [c, header[i]]));
  const defs = fieldsOf(p.map.entity);
  const typeOf = (f: string): FieldType => defs[f].type;
  const colsOf = (types: FieldType[]) => [...p.fields].filter(([f]) => types.includes(typeOf(f))).flatMap(([, cs]) => cs);
  const profiles = await profileColumns(db, stage, colsOf(['timestamp', 'date']), colsOf(['decimal', 'int']), labels, p.slashDefault);
  const amountCols = ['amount', 'price', 'annual_revenue'].flatMap((f) => p.fields.get(f) ?? []);
  const typedCols = [...new Set([...colsOf(['timestamp', 'date', 'decimal', 'int', 'bool', 'currency']), ...amountCols])];

  // Layer 1: lineage, cleaned cells of typed columns, lists.
  const l1 = [`${lineage.sourceId} AS __source_id`, `${lineage.line} AS __line`, ...typedCols.map((c) => `${cleaned(c)} AS ${raw(c)}`)];
  // Layer 2: one value per field.
  const l2: string[] = [];
  const unparsedFields: string[] = [];
  const fieldNames: string[] = [];
  for (const [field, cs] of p.fields) {
    const type = typeOf(field);
    fieldNames.push(field);
    if (type === 'list') {
      l1.push(`${listExpr(cs, field === 'emails' ? 'emails' : field === 'phones' ? 'phones' : 'other')} AS ${ident(field)}`);
      continue;
    }
    const per = cs.map((c) => (type === 'text' ? `nullif(${unescapedFormula(`trim(${ident(c)})`)}, '')` : valueExpr(type, raw(c), { date: profiles.dates[c], number: profiles.numbers[c] })));
    const joined = defs[field].join && per.length > 1;
    l2.push(`${per.length === 1 ? per[0] : joined ? `nullif(concat_ws(' ', ${per.join(', ')}), '')` : `coalesce(${per.join(', ')})`} AS ${ident(field)}`);
    if (type !== 'text') {
      unparsedFields.push(field);
      const rawText = cs.length === 1 ? raw(cs[0]) : `concat_ws(' | ', ${cs.map(raw).join(', ')})`;
      l2.push(`CASE WHEN ${ident(field)} IS NULL THEN nullif(${rawText}, '') END AS ${ident(`__unparsed_${field}`)}`);
    }
  }
  // Layer 2 cannot see its own aliases: the unparsed checks need the typed value, so compute them in a layer of their own.
  const l2values = l2.filter((x) => !x.includes('__unparsed_'));
  const l2checks = l2.filter((x) => x.includes('__unparsed_'));

  // Layer 3: derived fields and extra.
  const out: Record<string, string> = {};
  for (const f of fieldNames) out[f] = ident(f);
  if (out.phones && 'phone' in defs) out.phone = 'phones[1]';
  if (out.emails && 'email' in defs) out.email = 'lower(emails[1])';
  if ('full_name' in defs && !out.full_name && (out.first_name || out.last_name)) {
    out.full_name = `nullif(concat_ws(' ', ${['first_name', 'middle_name', 'last_name'].filter((f) => out[f]).join(', ')}), '')`;
  }
  if ('currency' in defs) {
    const fromCells = amountCols.map((c) => currencyInAmountExpr(raw(c)));
    out.currency = `coalesce(${[out.currency, ...fromCells, lit(p.defaultCurrency ?? null)].filter(Boolean).join(', ')})`;
  }
  if (p.map.entity === 'deals') out.status = dealStatusExpr(out.status, out.stage);
  const shadowed = [...p.fields].filter(([f, cs]) => typeOf(f) !== 'list' && !defs[f].join && cs.length > 1).flatMap(([, cs]) => cs.slice(1));
  const pairs: [string, string][] = [
    ...shadowed.map((c): [string, string] => [labels[c], ident(c)]),
    ...p.unmapped.map((h): [string, string] => [h, ident(cols[header.indexOf(h)])]),
    ...unparsedFields.map((f): [string, string] => [`unparsed.${f}`, ident(`__unparsed_${f}`)]),
  ];
  // Keys and values as lists zipped, the values bare columns turned into JSON inside one lambda: not one struct, one
  // OR term and one trim() per column, which DuckDB plans in time that grows faster than the number of columns
  // (5,000 columns took 25–104 s that way). Values are JSON: text as JSON strings, API arrays (jsonColumns) as the
  // arrays they were.
  const keys = litList(pairs.map(([k]) => k));
  const values = `[${pairs.map(([, v]) => v).join(', ')}]`;
  const asJson = (v: string) => `to_json(nullif(trim(${v}), ''))`;
  const isJson = pairs.map(([k], i) => i < shadowed.length + p.unmapped.length && p.jsonColumns.has(k));
  const zipped = isJson.some(Boolean)
    ? `list_transform(list_zip(${keys}, ${values}, [${isJson.join(', ')}]), x -> {'k': x[1], 'v': CASE WHEN x[3] AND json_valid(x[2]) THEN json(x[2]) ELSE ${asJson('x[2]')} END})`
    : `list_transform(list_zip(${keys}, ${values}), x -> {'k': x[1], 'v': ${asJson('x[2]')}})`;
  const entries = `list_filter(${zipped}, x -> x.v IS NOT NULL)`;
  const extra = pairs.length ? `list_transform([${entries}], e -> CASE WHEN len(e) > 0 THEN to_json(map_from_entries(e)) END)[1]` : 'NULL';
  const l3 = [
    `${lit(lineage.source)} AS source`, '__source_id AS source_id', `${lineage.importId} AS import_id`, '__line AS source_line',
    ...Object.entries(out).map(([f, e]) => `${e} AS ${ident(f)}`),
    `${extra} AS extra`,
  ];
  const sql =
    `SELECT ${l3.join(',\n  ')}\nFROM (SELECT *${l2checks.length ? `, ${l2checks.join(', ')}` : ''} FROM (` +
    `SELECT *${l2values.length ? `, ${l2values.join(', ')}` : ''} FROM (` +
    `SELECT s.*, ${l1.join(', ')} FROM ${ident(stage)} s ${lineage.where})))`;
  return { sql, unparsedFields, formats: profiles.notes };
}
