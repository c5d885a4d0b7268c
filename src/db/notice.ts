// Where the database layer tells the user it is waiting (the CLI sends it to stderr); no DuckDB here, so the CLI
// can set it up without loading the database engine.
let sink: (line: string) => void = () => {};

export const setDbNotice = (fn: (line: string) => void): void => void (sink = fn);
export const dbNotice = (line: string): void => sink(line);
