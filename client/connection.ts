// The Temporal client every verb uses, connected as the connection profile says
// (connection-profile.ts: profile, TEMPORAL_* variables, flags), with the sealing data
// converter, so what it sends is ciphertext and what it reads is clear.
import { Client, Connection } from '@temporalio/client';
import { CodecError } from '../lib/codec/aes-gcm-codec.js';
import { CliError } from './cli-error.js';
import { clientDataConverter } from './codec-keys.js';
import { explainConnectionFailure, loadConnection, type ConnectionFlags } from './connection-profile.js';

export async function connectClient(flags: ConnectionFlags): Promise<Client> {
  const { namespace, ...options } = loadConnection(flags);
  const dataConverter = await clientDataConverter();
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: '5s' });
    return new Client({ connection, namespace, dataConverter });
  } catch (err) {
    throw new CliError(await explainConnectionFailure({ namespace, ...options }, err));
  }
}

/** The codec error behind `err` (the SDK may wrap it), if there is one. */
function codecError(err: unknown): CodecError | undefined {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) if (e instanceof CodecError) return e;
  return undefined;
}

export async function withClient<T>(opts: ConnectionFlags, use: (client: Client) => Promise<T>): Promise<T> {
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
