// Writes generated files whole or not at all (a reader never sees half a file).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFilesAtomically(files: Map<string, string>, mode?: number): Promise<void> {
  for (const [path, text] of files) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text, mode === undefined ? undefined : { mode });
    await rename(tmp, path);
  }
}
