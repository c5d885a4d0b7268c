// Small helpers to build SQL safely: identifiers and literals are always quoted here, never by hand.

export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export const lit = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll("'", "''")}'`;
};

/**
 * A number as a DOUBLE literal (1.5e+0), exactly the JS value: DuckDB reads a plain 1.5 as a DECIMAL, and a CASE of
 * DECIMAL constants is computed and cast to DOUBLE row by row (7× slower over millions of pairs).
 */
export const double = (value: number): string => {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return value.toExponential();
};

/** A UTC instant as DuckDB TIMESTAMP text ('2026-11-27 01:04:36.123'); `fromSqlTimestamp` reads it back. */
export const sqlTimestamp = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');
export const fromSqlTimestamp = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);

export const litList = (values: readonly string[]): string => `[${values.map(lit).join(', ')}]`;
