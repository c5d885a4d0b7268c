// Saved API responses (HubSpot results[], Salesforce records[], Pipedrive/Zoho data[], Bitrix24 result[],
// amoCRM _embedded) → flat rows (each preset's fromApi first) → a UTF-8 CSV for the same presets as file exports.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrmqError } from '../errors.js';
import type { EntityName } from '../model/tables.js';
import { csvLine, type PreparedFile } from './prepared-file.js';
import { norm, PRESETS } from './presets/index.js';
import { parseJsonText } from '../json-text.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SALESFORCE_TYPES: Record<string, EntityName> = { Account: 'companies', Contact: 'contacts', Opportunity: 'deals', Lead: 'leads', Task: 'activities', Event: 'activities', User: 'users' };
const AMO_TYPES: Record<string, EntityName> = { leads: 'deals', contacts: 'contacts', companies: 'companies', tasks: 'activities', users: 'users' };

interface Located {
  records: Json[];
  preset?: string;
  entity?: EntityName;
}

/** Finds the record array of a known API envelope. */
export function locateRecords(doc: Json): Located {
  if (Array.isArray(doc)) return { records: doc };
  if (!isObj(doc)) return { records: [] };
  if (Array.isArray(doc.results)) return { records: doc.results, preset: 'hubspot' };
  if (Array.isArray(doc.records)) {
    const first = doc.records.find(isObj);
    const type = first && isObj(first.attributes) ? String(first.attributes.type) : undefined;
    return { records: doc.records, preset: 'salesforce', entity: type ? SALESFORCE_TYPES[type] : undefined };
  }
  if (isObj(doc._embedded)) {
    const key = Object.keys(doc._embedded).find((k) => Array.isArray((doc._embedded as Obj)[k]));
    if (key) return { records: (doc._embedded as Obj)[key] as Json[], preset: 'amocrm', entity: AMO_TYPES[key] };
  }
  if (Array.isArray(doc.result)) return { records: doc.result, preset: 'bitrix24' };
  if (isObj(doc.result) && Array.isArray((doc.result as Obj).items)) return { records: (doc.result as Obj).items as Json[], preset: 'bitrix24' };
  if (Array.isArray(doc.data)) return { records: doc.data, preset: 'info' in doc ? 'zoho' : 'success' in doc ? 'pipedrive' : undefined };
  return { records: [] };
}

const scalar = (v: Json): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * One API record → flat key/value pairs: nested objects as `a.b`, multi-fields ({VALUE}/{value} lists: phones,
 * e-mails) that `joined` accepts (by default all; the import passes the keys its layout maps) joined with "; ", any
 * other array kept whole as JSON text, its key added to `json`.
 */
export function flattenRecord(rec: Obj, prefix = '', out: Record<string, string> = {}, json: Set<string> = new Set(), joined: (key: string) => boolean = () => true): Record<string, string> {
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'attributes' || k === '_links') continue;
    const key = prefix + k;
    if (k === 'properties' && !prefix && isObj(v)) {
      flattenRecord(v, '', out, json, joined); // HubSpot
    } else if (Array.isArray(v)) {
      if (v.length && joined(key) && v.every((x) => isObj(x) && ('VALUE' in x || 'value' in x) && !isObj(x.VALUE ?? x.value))) {
        out[key] = v.map((x) => scalar((x as Obj).VALUE ?? (x as Obj).value ?? null)).filter(Boolean).join('; ');
      } else if (v.length) {
        out[key] = JSON.stringify(v);
        json.add(key);
      }
    } else if (isObj(v)) {
      flattenRecord(v, `${key}.`, out, json, joined);
    } else {
      out[key] = scalar(v);
    }
  }
  return out;
}

/** Deeper than any CRM's records (HubSpot associations, amoCRM _embedded are a few levels): refused per record, not by a stack overflow. */
const MAX_DEPTH = 64;

/** Whether a value nests deeper than `max`, without recursion. */
function deeperThan(v: Json, max: number): boolean {
  const stack: [Json, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) return true;
    if (x && typeof x === 'object') for (const c of Array.isArray(x) ? x : Object.values(x)) if (c && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

/** A record's text for the rejects table, at most 2,000 characters, and never a stack overflow. */
function shown(v: Json): string {
  if (deeperThan(v, MAX_DEPTH)) return '(nested too deeply to show)';
  const s = JSON.stringify(v);
  return s.length > 2000 ? `${s.slice(0, 1999)}…` : s;
}

export async function prepareJson(file: string, tmpDir: string): Promise<PreparedFile> {
  let doc: Json;
  try {
    doc = parseJsonText(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Json;
  } catch (err) {
    if (err instanceof RangeError) throw new CrmqError(`${file}: the JSON is nested too deeply to read`);
    const m = /position (\d+)/.exec((err as Error).message);
    throw new CrmqError(`${file}: invalid JSON${m ? ` at byte ${m[1]}` : ''}: ${(err as Error).message.split('\n')[0]}`);
  }
  const { records, preset, entity } = locateRecords(doc);
  if (records.length === 0) throw new CrmqError(`${file}: no records found (expected results[], records[], data[], result[] or _embedded)`);
  const rejects: PreparedFile['rejects'] = [];
  const objects: Obj[] = [];
  records.forEach((r, i) => {
    if (!isObj(r)) rejects.push({ line: i + 1, reason: 'record is not a JSON object', raw: shown(r) });
    else if (deeperThan(r, MAX_DEPTH)) rejects.push({ line: i + 1, reason: `record nested more than ${MAX_DEPTH} levels deep (no CRM writes that)`, raw: shown(r) });
    else objects.push(r);
  });
  if (!objects.length) throw new CrmqError(`${file}: no record can be read (record ${rejects[0].line}: ${rejects[0].reason})`);
  return recordsCsv(objects, join(tmpDir, 'records.csv'), { preset, entity }, rejects);
}

/**
 * API records → flat rows (the preset's fromApi applied first) → a UTF-8 CSV the import path reads:
 * for saved JSON files and for the pages `crmq pull` commits.
 */
export function recordsCsv(
  records: Record<string, unknown>[], csvPath: string, hints: { preset?: string; entity?: EntityName }, rejects: PreparedFile['rejects'] = [],
): PreparedFile {
  const preset = PRESETS.find((p) => p.id === hints.preset);
  const json = new Set<string>();
  // A list of {value} objects is joined into one cell only where the layout maps it (phones, e-mails); any other
  // list (instant messengers, labels) stays whole in extra.
  const map = hints.entity ? preset?.entities.find((e) => e.entity === hints.entity) : undefined;
  const joined = map ? (key: string) => norm(key) in map.columns : undefined;
  const rows = records.map((r) => flattenRecord((preset?.fromApi ? preset.fromApi(r) : r) as Obj, '', {}, json, joined));
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  writeFileSync(csvPath, csvLine(header) + rows.map((r) => csvLine(header.map((h) => r[h] ?? ''))).join(''));
  return {
    csvPath, kind: 'json', encoding: 'utf-8', delimiter: ',', header, phantomColumns: 0, presetHint: hints.preset, entityHint: hints.entity, rejects,
    jsonColumns: [...json],
    cleanup: () => rmSync(csvPath, { force: true }),
  };
}
