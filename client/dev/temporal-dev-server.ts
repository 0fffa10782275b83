// The embedded Temporal: `temporal server start-dev` from the project's .venv, with the
// install's search attributes and a sqlite file, so installs survive a restart.
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { localTools } from '../../lib/local-tools.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';
import { startSupervised, waitUntilReady, type SupervisedProcess } from './supervised-process.js';

export interface DevServerOptions {
  port: number;
  /** Web UI port; omitted: no UI (tests). */
  uiPort?: number;
  /** The sqlite file, or ':memory:' (then give `logFile`). */
  dbFile: string;
  /** Where the server's output goes; by default next to `dbFile`. */
  logFile?: string;
  ip?: string;
  /** The codec server the Web UI decodes payloads with (its endpoint, token included). */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  process: SupervisedProcess['process'];
  stop(): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', opts.ip ?? '127.0.0.1', '--port', String(opts.port), '--db-filename', opts.dbFile, '--log-level', 'error'];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  if (opts.uiPort && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  for (const key of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  return args;
}

export async function serverReachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const server = await startSupervised('the Temporal dev server', localTools.temporal(), devServerArgs(opts), {
    logFile: opts.logFile ?? join(dirname(opts.dbFile), 'temporal-dev-server.log'),
  });
  const address = `${opts.ip ?? '127.0.0.1'}:${opts.port}`;
  await waitUntilReady(server, () => serverReachable(address), 60_000);
  return { address, process: server.process, stop: () => server.stop() };
}
