// The Temporal client every verb uses, from --address / --namespace (or TEMPORAL_ADDRESS).
import { Client, Connection } from '@temporalio/client';
import { CliError } from './cli-error.js';

export interface ConnectionOptions {
  address: string;
  namespace: string;
}

export async function connectClient(opts: ConnectionOptions): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: opts.address, connectTimeout: '5s' });
    return new Client({ connection, namespace: opts.namespace });
  } catch (err) {
    throw new CliError(`cannot reach the Temporal server at ${opts.address}: ${(err as Error).message} (start one with "npx kinstall dev")`);
  }
}

export async function withClient<T>(opts: ConnectionOptions, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(opts);
  try {
    return await use(client);
  } finally {
    await client.connection.close();
  }
}
