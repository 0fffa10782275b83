// Where the CLI, the worker and `kinstall dev` get the codec's keys: KATONIC_CODEC_KEYS, a
// reference ("file:/etc/katonic/codec-keys", "env:KATONIC_CODEC_KEY_RING"), or else the file
// <dataDir>/codec-keys. Only `kinstall dev` creates that file (one new key, mode 0600): a
// worker or CLI that made up its own key would write history no one else can read.
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LoadedDataConverter } from '@temporalio/common';
import { sealingClientDataConverter } from '../lib/codec/data-converter.js';
import { newKeyLine, parseKeyRing, type KeyRing } from '../lib/codec/key-ring.js';
import { dataDir } from '../lib/local-tools.js';
import { readReference } from '../lib/read-reference.js';
import { isSecretRef } from '../lib/vars/secret-refs.js';
import { CliError } from './cli-error.js';

export const CODEC_KEYS_ENV = 'KATONIC_CODEC_KEYS';
export const devKeyRingFile = (dir = dataDir()): string => join(dir, 'codec-keys');

/** The reference to the key ring this process uses. */
export function keyRingRef(): string {
  const ref = process.env[CODEC_KEYS_ENV];
  if (ref === undefined || ref === '') return `file:${devKeyRingFile()}`;
  if (!isSecretRef(ref)) throw new CliError(`${CODEC_KEYS_ENV}: expected a reference "file:PATH" or "env:NAME" to the codec keys`, 2);
  return ref;
}

export async function loadKeyRing(ref = keyRingRef()): Promise<KeyRing> {
  try {
    return parseKeyRing(await readReference(ref), ref);
  } catch (err) {
    throw new CliError(
      `codec keys: ${(err as Error).message}. Set ${CODEC_KEYS_ENV} (docs/production.md, "Encrypted history"), or run "kinstall dev" once for a local key`,
      2,
    );
  }
}

/** The data converter for this process's clients. */
export async function clientDataConverter(): Promise<LoadedDataConverter> {
  return sealingClientDataConverter(await loadKeyRing());
}

/** A private file with a `content` made once: created 0600 if missing, left as it is otherwise. */
export async function createPrivateFileOnce(file: string, content: () => string): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(content());
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** `kinstall dev`'s local key ring: <dataDir>/codec-keys, one key, made on the first run. */
export const ensureDevKeyRing = (dir = dataDir()): Promise<boolean> =>
  createPrivateFileOnce(devKeyRingFile(dir), () => `# Codec keys for this machine's dev installs (kinstall dev); newest last.\n${newKeyLine()}\n`);
