/**
 * An expected failure: the CLI prints `message` on one line (line breaks in it shown as \n) and exits with `code`
 * (2 = usage/config/input). `context`, when given, is printed as it is under that line: the query line and the caret
 * under the fault of a SQL error.
 */
export class CrmqError extends Error {
  constructor(
    message: string,
    readonly code = 2,
    readonly context?: string,
  ) {
    super(message);
    this.name = 'CrmqError';
  }
}

export const fail = (message: string): never => {
  throw new CrmqError(message);
};

/** The database could not be written or created (disk full, read-only file system, no such folder): nothing was changed. */
export class WriteError extends CrmqError {}

const IO_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full', EDQUOT: 'the disk quota is used up', EFBIG: 'the file size limit is reached', EROFS: 'read-only file system',
  EACCES: 'permission denied', EPERM: 'permission denied',
};
const IO_TEXTS: [RegExp, string][] = [
  [/no space left on device|disk is full|could not write all bytes/i, 'the disk is full'],
  [/disk quota exceeded/i, 'the disk quota is used up'],
  [/file too large/i, 'the file size limit is reached'],
  [/read-only file system/i, 'read-only file system'],
  [/permission denied/i, 'permission denied'],
];

/** "the disk is full", "read-only file system", …: what an operating-system write failure means, or undefined. */
export function ioProblem(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && IO_CODES[code]) return IO_CODES[code];
  const message = err instanceof Error ? err.message : String(err);
  return IO_TEXTS.find(([re]) => re.test(message))?.[1];
}
