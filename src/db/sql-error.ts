// DuckDB's error text for a person: the error with its hint on one line ("… does not exist! Did you mean
// "contacts"?", "Candidate bindings: …"), then, when DuckDB gives them, the query line and the caret under the fault.

export function sqlErrorText(err: unknown, opts: { caret?: boolean } = {}): string {
  const message = err instanceof Error ? err.message : String(err);
  const [head, ...rest] = message.split(/\n\s*\n/);
  const first = head.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const where = rest.join('\n').split('\n').filter((l) => /^LINE \d+:/.test(l) || /^\s*\^\s*$/.test(l));
  return opts.caret === false || !where.length ? first : `${first}\n${where.join('\n')}`;
}
