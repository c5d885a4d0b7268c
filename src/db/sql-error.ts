// DuckDB's error text for a person: the error with its hint on one line ("… does not exist! Did you mean
// "contacts"?", "Candidate bindings: …") and, apart (`where`), when DuckDB gives them, the query line and the caret
// under the fault: the CLI prints them under the one-line error (CrmqError's context).

export function sqlErrorParts(err: unknown): { text: string; where?: string } {
  const message = err instanceof Error ? err.message : String(err);
  const [head, ...rest] = message.split(/\n\s*\n/);
  const text = head.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const where = rest.join('\n').split('\n').filter((l) => /^LINE \d+:/.test(l) || /^\s*\^\s*$/.test(l));
  return where.length ? { text, where: where.join('\n') } : { text };
}

/** The error with its hint, on one line. */
export const sqlErrorText = (err: unknown): string => sqlErrorParts(err).text;
