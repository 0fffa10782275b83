// The Temporal servers a benchmark runs against, by name, side by side: each gives the
// TEMPORAL_* variables that every process of a round connects by (client/connection-profile.ts,
// the one loader of the CLI, the worker and the webhook server), so a target is an environment,
// not a code path. Today the dev server; a cluster (PostgreSQL, an mTLS frontend) is one more
// entry whose `up` returns its address, namespace and TEMPORAL_TLS_* paths.
// WEBHOOK_LOAD_TARGETS=NAME,NAME picks some (default: all).
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { freePort } from '../../client/dev/free-port.js';
import { startDevServer } from '../../client/dev/temporal-dev-server.js';
import { loadConnection } from '../../client/connection-profile.js';

/** A Temporal server up for one round. */
export interface TemporalTarget {
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and, for TLS, TEMPORAL_TLS_*: given to every process of the round. */
  env: Record<string, string>;
  /** The processes on this machine whose CPU is Temporal's (none for a server elsewhere). */
  serverPids: number[];
  close(): Promise<void>;
}

export interface TemporalTargetKind {
  name: string;
  /** A server with nothing in it from an earlier round (a fresh server, or a fresh namespace on a shared one); `dir` is the round's own folder. */
  up(dir: string): Promise<TemporalTarget>;
}

export const TEMPORAL_TARGETS: TemporalTargetKind[] = [
  {
    name: 'dev server',
    async up(dir) {
      // The dev server stands in for a production Temporal: in memory, unless asked for its file.
      const dbFile = process.env.WEBHOOK_LOAD_TEMPORAL_DB === 'file' ? join(dir, 'temporal.db') : ':memory:';
      const server = await startDevServer({ port: await freePort(), dbFile, logFile: join(dir, 'temporal-dev-server.log') });
      return { env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' }, serverPids: [server.process.pid!], close: () => server.stop() };
    },
  },
];

/** The targets WEBHOOK_LOAD_TARGETS names (default all); an unknown name exits 2 naming the known ones. */
export function targetsAsked(): TemporalTargetKind[] {
  const asked = process.env.WEBHOOK_LOAD_TARGETS?.split(',').map((t) => t.trim());
  if (!asked) return TEMPORAL_TARGETS;
  const unknown = asked.filter((name) => !TEMPORAL_TARGETS.some((t) => t.name === name));
  if (unknown.length) {
    console.error(
      `WEBHOOK_LOAD_TARGETS: no target ${unknown.join(', ')}; expected a comma-separated list of ${TEMPORAL_TARGETS.map((t) => t.name).join(', ')}`,
    );
    process.exit(2);
  }
  return TEMPORAL_TARGETS.filter((t) => asked.includes(t.name));
}

/** This process's client of a target, connected as the round's other processes are. */
export async function targetClient(target: TemporalTarget, dataConverter?: LoadedDataConverter): Promise<Client> {
  const { namespace, ...options } = loadConnection({}, target.env);
  const connection = await Connection.connect(options);
  return new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
}
