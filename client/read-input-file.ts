// Reads a file a user named (a spec, `retry --vars`): a regular file only, so a FIFO or a
// device cannot hang or flood the CLI (opened non-blocking, checked with fstat before any
// read), at most MAX_INPUT_BYTES, UTF-8 text. Errors name the file and the problem, never
// its content.
import { constants, open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { CliError } from './cli-error.js';

export const MAX_INPUT_BYTES = 256 * 1024;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function readBounded(handle: FileHandle, label: string): Promise<Buffer> {
  const buffer = Buffer.alloc(MAX_INPUT_BYTES + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > MAX_INPUT_BYTES) throw new CliError(`${label}: larger than ${MAX_INPUT_BYTES / 1024} KiB; expected a small YAML file`, 2);
  }
  return buffer.subarray(0, length);
}

/** The text of `file`; `label` names it in errors (e.g. the file itself, or "--vars FILE"). */
export async function readInputFile(file: string, label = file): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${label}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'ENXIO' ? 'a socket, not a regular file' : code})`, 2);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new CliError(`${label}: ${kindOf(st)}, not a regular file`, 2);
    if (st.size > MAX_INPUT_BYTES) throw new CliError(`${label}: larger than ${MAX_INPUT_BYTES / 1024} KiB; expected a small YAML file`, 2);
    const bytes = await readBounded(handle, label);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new CliError(`${label}: not UTF-8 text`, 2);
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${label}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2);
  } finally {
    await handle.close();
  }
}
