// The embedded Temporal: `temporal server start-dev` from the project's .venv, with the
// install's search attributes and a sqlite file, so installs survive a restart.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { localTools } from '../../lib/local-tools.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

export interface DevServerOptions {
  port: number;
  /** Web UI port; omitted: no UI (tests). */
  uiPort?: number;
  dbFile: string;
  ip?: string;
  /** The codec server the Web UI decodes payloads with (its endpoint, token included). */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  process: ResultPromise;
  stop(): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', opts.ip ?? '127.0.0.1', '--port', String(opts.port), '--db-filename', opts.dbFile, '--log-level', 'error'];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  if (opts.uiPort && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  for (const key of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${key.name}=Keyword`);
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
  await mkdir(dirname(opts.dbFile), { recursive: true });
  const setpriv = localTools.setpriv();
  const temporal = localTools.temporal();
  const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', temporal, ...devServerArgs(opts)]] : [temporal, devServerArgs(opts)];
  // Its own process group: a Ctrl-C in the terminal reaches the worker, which finishes talking
  // to the server before `stop()` ends the server.
  const child = execa(file, args, { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, detached: true });
  const address = `${opts.ip ?? '127.0.0.1'}:${opts.port}`;
  const until = Date.now() + 60_000;
  while (!(await serverReachable(address))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      const result = await child;
      throw new Error(`the Temporal dev server did not start on ${address}: ${String(result.stderr).slice(-2000)}`);
    }
    await sleep(250);
  }
  return {
    address,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await child;
      clearTimeout(timer);
    },
  };
}
