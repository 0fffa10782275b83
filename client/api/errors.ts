// The install API's own failures, by kind, so that each caller answers them its own way: the
// CLI as an exit code, the webhook server as an HTTP status. Messages are one line and name
// the install and what was expected; they never carry a secret.
export type InstallApiErrorKind =
  /** The request itself is wrong (a bad spec, refused vars): fix it and ask again. */
  | 'invalid'
  /** No such install on this server. */
  | 'not-found'
  /** The install is not in a state that allows this (not waiting, ended, already running). */
  | 'conflict'
  /** Something failed on the way (the server, a timeout): asking again later may work. */
  | 'failed';

export class InstallApiError extends Error {
  constructor(
    readonly kind: InstallApiErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const EXIT_CODES: Record<InstallApiErrorKind, 1 | 2> = { invalid: 2, 'not-found': 2, conflict: 2, failed: 1 };
const HTTP_STATUSES: Record<InstallApiErrorKind, number> = { invalid: 422, 'not-found': 404, conflict: 409, failed: 502 };

export const exitCodeOf = (err: InstallApiError): 1 | 2 => EXIT_CODES[err.kind];
export const httpStatusOf = (err: InstallApiError): number => HTTP_STATUSES[err.kind];
