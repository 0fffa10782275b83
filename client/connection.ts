// The Temporal client every verb uses, from --address / --namespace (or TEMPORAL_ADDRESS),
// with the sealing data converter, so what it sends is ciphertext and what it reads is clear.
import { Client, Connection } from '@temporalio/client';
import { CodecError } from '../lib/codec/aes-gcm-codec.js';
import { CliError } from './cli-error.js';
import { clientDataConverter } from './codec-keys.js';

export interface ConnectionOptions {
  address: string;
  namespace: string;
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `host:port`, or exit 2 naming the option. */
export function checkAddress(address: string): void {
  const m = HOST_PORT.exec(address);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new CliError(`--address ${address}: expected host:port, such as localhost:7233`, 2);
}

export async function connectClient(opts: ConnectionOptions): Promise<Client> {
  checkAddress(opts.address);
  const dataConverter = await clientDataConverter();
  try {
    const connection = await Connection.connect({ address: opts.address, connectTimeout: '5s' });
    return new Client({ connection, namespace: opts.namespace, dataConverter });
  } catch (err) {
    throw new CliError(`cannot reach the Temporal server at ${opts.address}: ${(err as Error).message.split('\n')[0]} (start one with "npx kinstall dev")`);
  }
}

/** The codec error behind `err` (the SDK may wrap it), if there is one. */
function codecError(err: unknown): CodecError | undefined {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) if (e instanceof CodecError) return e;
  return undefined;
}

export async function withClient<T>(opts: ConnectionOptions, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(opts);
  try {
    return await use(client);
  } catch (err) {
    const codec = codecError(err);
    if (codec) throw new CliError(`cannot read what the server holds: ${codec.message}`);
    throw err;
  } finally {
    await client.connection.close();
  }
}
