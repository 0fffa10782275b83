// Reads what a secret reference names: `env:NAME` (this process's environment) or
// `file:PATH` (a file here; "~/" is the home directory). Errors name the reference, never a value.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

export class ReferenceUnreadable extends Error {}

/** The file a `file:` reference names, with a leading ~ as this process's home directory. */
export const referencePath = (ref: string): string => ref.slice(5).replace(/^~(?=\/)/, homedir());

/** `where` names the process reading, for messages: "this machine", "the worker". */
export async function readReference(ref: string, where = 'this machine'): Promise<string> {
  if (ref.startsWith('env:')) {
    const value = process.env[ref.slice(4)];
    if (!value) throw new ReferenceUnreadable(`secret ${ref}: ${where} has no environment variable ${ref.slice(4)}`);
    return value;
  }
  if (!ref.startsWith('file:')) throw new ReferenceUnreadable('expected a secret reference "env:NAME" or "file:PATH"');
  const path = referencePath(ref);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ReferenceUnreadable(`secret ${ref}: cannot read ${path} on ${where} (${(err as NodeJS.ErrnoException).code})`);
  }
}
