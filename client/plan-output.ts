// `plan --out DIR`: the files the playbooks would get, written so that nothing else is
// touched. DIR must be new, empty, or one an earlier `plan --out` wrote (it leaves a marker
// file), unless --force. Nothing is written through a symbolic link, and nothing at all
// unless every file can be: each goes to a temporary file first (O_CREAT|O_EXCL|O_NOFOLLOW),
// and only when all are written are they renamed into place.
import { constants, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CliError } from './cli-error.js';

export const PLAN_MARKER = '.kinstall-plan';
const MARKER_TEXT = 'Written by "kinstall plan --out"; "kinstall plan" may write into this directory again.\n';

type Kind = 'missing' | 'directory' | 'file' | 'symlink' | 'other';

async function kindAt(path: string): Promise<Kind> {
  try {
    const st = await lstat(path);
    return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

const refuse = (message: string) => new CliError(`--out ${message}; no file was written`, 2);

/** DIR itself: absent (created), or a real directory that is empty, ours, or forced. */
async function checkOutDir(out: string, force: boolean): Promise<void> {
  const kind = await kindAt(out);
  if (kind === 'symlink') throw refuse(`${out}: a symbolic link; give the directory itself`);
  if (kind === 'missing') return;
  if (kind !== 'directory') throw refuse(`${out}: exists and is not a directory`);
  const entries = await readdir(out);
  if (entries.length && !entries.includes(PLAN_MARKER) && !force) {
    throw refuse(`${out}: not empty, and not written by "kinstall plan" (use --force to write into it anyway)`);
  }
}

/** Every directory between DIR and the file, and the file, checked before anything is written. */
async function checkTarget(out: string, rel: string): Promise<void> {
  const parts = rel.split(sep);
  for (let i = 1; i <= parts.length; i++) {
    const path = join(out, ...parts.slice(0, i));
    const kind = await kindAt(path);
    const last = i === parts.length;
    if (kind === 'missing') return;
    if (kind === 'symlink') throw refuse(`${out}: ${relative(out, path)} is a symbolic link; refusing to write through it`);
    if (last && kind !== 'file') throw refuse(`${out}: ${relative(out, path)} exists and is not a regular file`);
    if (!last && kind !== 'directory') throw refuse(`${out}: ${relative(out, path)} exists and is not a directory`);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. (Node's recursive mkdir spins
 * forever where a parent refuses creation with ENOENT, as /proc does.)
 */
async function makeDirs(dir: string): Promise<void> {
  const parts = resolve(dir).split(sep);
  for (let i = 2; i <= parts.length; i++) {
    const path = parts.slice(0, i).join(sep);
    try {
      await mkdir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

async function writeTemp(path: string, text: string): Promise<string> {
  const tmp = `${path}.kinstall-${process.pid}.tmp`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

/** Writes `files` (paths relative to DIR -> text) into `out`, all or nothing. */
export async function writePlanFiles(out: string, files: Map<string, string>, force: boolean): Promise<void> {
  const all = new Map([...files, [PLAN_MARKER, MARKER_TEXT]]);
  try {
    await checkOutDir(out, force);
    for (const rel of all.keys()) await checkTarget(out, rel);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw refuse(`${out}: cannot be checked (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const temps: [string, string][] = [];
  try {
    for (const [rel, text] of all) {
      const path = join(out, rel);
      await makeDirs(dirname(path));
      temps.push([await writeTemp(path, text), path]);
    }
  } catch (err) {
    await Promise.all(temps.map(([tmp]) => rm(tmp, { force: true })));
    throw refuse(`${out}: cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  for (const [tmp, path] of temps) await rename(tmp, path);
}
