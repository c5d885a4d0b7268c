/** An expected failure: the CLI prints `message` on one line and exits with `code` (2 = usage/config/input). */
export class CrmqError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
    this.name = 'CrmqError';
  }
}

export const fail = (message: string): never => {
  throw new CrmqError(message);
};
