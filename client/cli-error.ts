// A failure the CLI reports in one line with its exit code: 1 failure, 2 bad input.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
