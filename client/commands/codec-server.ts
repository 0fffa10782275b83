// codec-server: the payload codec over HTTP for the Web UI and `temporal --codec-endpoint`.
// Its token: KATONIC_CODEC_SERVER_TOKEN, a reference ("file:PATH", "env:NAME"), or else the
// file <dataDir>/codec-server-token, which `kinstall dev` creates (random, mode 0600).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AesGcmCodec } from '../../lib/codec/aes-gcm-codec.js';
import { dataDir } from '../../lib/local-tools.js';
import { readReference } from '../../lib/read-reference.js';
import { isSecretRef } from '../../lib/vars/secret-refs.js';
import { CliError } from '../cli-error.js';
import { createPrivateFileOnce, loadKeyRing } from '../codec-keys.js';
import { startCodecServer, type CodecServer } from '../codec-server.js';

export const CODEC_SERVER_TOKEN_ENV = 'KATONIC_CODEC_SERVER_TOKEN';
const MIN_TOKEN_LENGTH = 16;

const devTokenFile = (dir = dataDir()) => join(dir, 'codec-server-token');

/** `kinstall dev`'s token: <dataDir>/codec-server-token, random, made on the first run. */
export const ensureDevToken = (dir = dataDir()): Promise<boolean> =>
  createPrivateFileOnce(devTokenFile(dir), () => `${randomBytes(24).toString('base64url')}\n`);

async function loadToken(): Promise<string> {
  const ref = process.env[CODEC_SERVER_TOKEN_ENV] || `file:${devTokenFile()}`;
  if (!isSecretRef(ref)) throw new CliError(`${CODEC_SERVER_TOKEN_ENV}: expected a reference "file:PATH" or "env:NAME" to the codec server's token`, 2);
  const token = (
    await readReference(ref).catch((err: Error) => {
      throw new CliError(
        `codec server token: ${err.message}. Set ${CODEC_SERVER_TOKEN_ENV} (docs/production.md, "Encrypted history"), or run "kinstall dev" once`,
        2,
      );
    })
  ).trim();
  if (token.length < MIN_TOKEN_LENGTH || /[\s/]/.test(token))
    throw new CliError(`codec server token (${ref}): expected at least ${MIN_TOKEN_LENGTH} characters without spaces or "/"`, 2);
  return token;
}

export interface CodecServerSettings {
  port: number;
  host: string;
  origins: string[];
}

/** The codec server with this process's keys and token (also what `kinstall dev` starts). */
export async function startInstallCodecServer(settings: CodecServerSettings): Promise<CodecServer> {
  const [ring, token] = await Promise.all([loadKeyRing(), loadToken()]);
  try {
    return await startCodecServer({ codec: new AesGcmCodec(ring), token, ...settings });
  } catch (err) {
    throw new CliError(`codec server: cannot listen on ${settings.host}:${settings.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export async function codecServerCommand(settings: CodecServerSettings): Promise<void> {
  const server = await startInstallCodecServer(settings);
  console.log(
    `Codec server on ${server.url} (POST /encode, /decode; Authorization: Bearer <token>, or ${server.url}/<token> as the Web UI's codec endpoint); Ctrl-C stops it`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
}
