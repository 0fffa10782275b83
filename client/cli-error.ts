// How the CLI fails: an expected failure (CliError, or the install API's InstallApiError) is one line naming what is wrong, with
// its exit code (1 failure, 2 bad input); an unexpected one is one line too, plus where its
// full trace was written (or the trace itself with --debug). Everything printed is escaped:
// file names, keys and messages can carry terminal control characters.
import { terminalSafe } from '../lib/safe-text.js';
import { exitCodeOf, InstallApiError } from './api/errors.js';
import { writeTraceFile } from './trace-file.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** Prints the failure and returns the exit code. */
export async function reportFailure(err: unknown, debug: boolean): Promise<number> {
  if (err instanceof CliError || err instanceof InstallApiError) {
    console.error(terminalSafe(err.message));
    return err instanceof CliError ? err.exitCode : exitCodeOf(err);
  }
  const error = err instanceof Error ? err : new Error(String(err));
  const summary = `kinstall: unexpected error: ${error.message.split('\n')[0]}`;
  if (debug) {
    console.error(terminalSafe(error.stack ?? summary));
    return 1;
  }
  try {
    const file = await writeTraceFile('kinstall-error', error);
    console.error(terminalSafe(`${summary} (full trace in ${file}; --debug prints it)`));
  } catch {
    console.error(terminalSafe(`${summary} (run again with --debug for the full trace)`));
  }
  return 1;
}
