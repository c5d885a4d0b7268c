// A check run's findings, with the file and record number each record came from. Read chunk by chunk into one object
// per finding, the texts that repeat (rule, severity, entity, source, file) shared rather than copied once per
// finding: at 10M contacts a check finds millions, and row objects built through JSON took 2.5 KB a finding.
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import type { Severity } from './rule.js';

export interface Finding {
  id: string;
  rule: string;
  severity: Severity;
  entity: string;
  source: string | null;
  source_id: string | null;
  message: string;
  value: string | null;
  detail: string | null;
  cluster: string | null;
  /** The file the record was imported from and its record number there (header = 1), when it came from a file. */
  file: string | null;
  line: number | null;
  /** False when the finding is in the baseline. */
  new: boolean;
}

export async function readFindings(db: Db, runId: number, entities: string[], baseline?: Set<string>): Promise<Finding[]> {
  const origins = entities.map((e) => `SELECT ${lit(e)} AS entity, source, source_id, source_line, import_id FROM ${ident(e)}`);
  const result = await db.conn.stream(
    `SELECT f.finding_id, f.rule, f.severity, f.entity, f.source, f.source_id, f.message, f.value, f.detail, f.cluster, i.file, o.source_line AS line
     FROM findings f LEFT JOIN (${origins.join(' UNION ALL ')}) o ON o.entity = f.entity AND o.source = f.source AND o.source_id = f.source_id
     LEFT JOIN imports i ON i.import_id = o.import_id
     WHERE f.run_id = ${runId} ORDER BY f.rule, f.source, f.source_id`,
  );
  const shared = new Map<unknown, unknown>();
  const one = <T>(v: T): T => {
    const have = shared.get(v);
    if (have !== undefined) return have as T;
    shared.set(v, v);
    return v;
  };
  const findings: Finding[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [id, rule, severity, entity, source, sourceId, message, value, detail, cluster, file, line] = chunk.getColumns() as (string | bigint | null)[][];
    for (let i = 0; i < chunk.rowCount; i++) {
      // The keys in the order the JSON and XLSX outputs have always written them.
      findings.push({
        rule: one(rule[i] as string), severity: one(severity[i] as Severity), entity: one(entity[i] as string), source: one(source[i] as string | null),
        source_id: sourceId[i] as string | null, message: message[i] as string, value: value[i] as string | null, detail: detail[i] as string | null,
        cluster: cluster[i] as string | null, file: one(file[i] as string | null), line: line[i] === null ? null : Number(line[i]),
        id: id[i] as string, new: !baseline?.has(id[i] as string),
      });
    }
  }
  return findings;
}
