// Where the database layer tells the user it is waiting (the CLI sends it to stderr). Scoped per call with
// AsyncLocalStorage, so CLI runs in one process (tests) each get their own. No DuckDB here: the CLI sets it up
// without loading the database engine.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<(line: string) => void>();

/** Runs `body` with database notices going to `sink`. */
export const withDbNotice = <T>(sink: (line: string) => void, body: () => T): T => scope.run(sink, body);
export const dbNotice = (line: string): void => scope.getStore()?.(line);
