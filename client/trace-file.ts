// Where an unexpected error's full trace goes: a private file in the temporary directory, so
// that what is shown (a CLI line, a webhook answer) stays one line and can name the file.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `error`'s stack to `<tmpdir>/<prefix>-<time>-<pid>.log` (0600) and returns its path; rejects when it cannot. */
export async function writeTraceFile(prefix: string, error: Error): Promise<string> {
  const file = join(tmpdir(), `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  await writeFile(file, `${error.stack ?? error.message}\n`, { mode: 0o600 });
  return file;
}
