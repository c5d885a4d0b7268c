// What every command module has in common: it configures its own commander Command (arguments, options, action)
// and talks to the terminal only through Io, so tests can run the CLI in-process. Only src/cli.ts sets the exit code.
import { Option, type Command } from 'commander';
import { CrmqError } from '../errors.js';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Raise the process exit code to at least this (0 clean, 1 data problems, 2 usage/config/input). */
  setExit(code: number): void;
  /** The terminal's width when stdout is a terminal (tables fit it); undefined when piped. */
  columns?: number;
  /** stderr is a terminal (not CI): progress lines and readable run logs go there. */
  terminal?: boolean;
}

/** A command module: src/cli.ts loads it only when its command runs (or its --help is asked for). */
export interface CommandModule {
  configure(cmd: Command, io: Io): void;
}

export const dbOption = () => new Option('--db <path>', 'DuckDB database file (env CRMQ_DB)').default(undefined, './crmq.duckdb');

export const formatOption = (choices: readonly string[], dflt: string) => new Option('--format <format>', 'output format').choices(choices).default(dflt);

/** A repeatable, comma-separated list option. */
export const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

export const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new CrmqError(`${flag}: "${v}" is not a positive number`);
  return n;
};

export const wholeNumber = (flag: string, min = 0, what = 'a whole number') => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CrmqError(`${flag}: "${v}" is not ${what}`);
  return n;
};

/**
 * Options the command cannot run without. Checked just before the action, so that a misspelt option
 * (`--sorce`) is reported as such, with commander's "did you mean", rather than as the missing one.
 */
export function requireOptions(cmd: Command, ...args: (string | { unless: string } | { unlessArgs: (args: string[]) => boolean })[]): Command {
  const names = args.filter((a): a is string => typeof a === 'string');
  /** An option that, when given, makes these unnecessary (import --explain needs no --source). */
  const unless = args.flatMap((a) => (typeof a !== 'string' && 'unless' in a ? [a.unless] : []));
  /** Arguments that make them unnecessary (`crmq import <lake>` needs no --source). */
  const unlessArgs = args.flatMap((a) => (typeof a !== 'string' && 'unlessArgs' in a ? [a.unlessArgs] : []));
  for (const name of names) {
    const opt = cmd.options.find((o) => o.attributeName() === name);
    if (opt) opt.description += ' (required)';
  }
  return cmd.hook('preAction', (self) => {
    if (unless.some((o) => self.getOptionValue(o)) || unlessArgs.some((f) => f(self.args))) return;
    for (const name of names) {
      if (self.getOptionValue(name) !== undefined) continue;
      const opt = self.options.find((o) => o.attributeName() === name);
      self.error(`error: required option '${opt?.flags ?? `--${name}`}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
    }
  });
}
