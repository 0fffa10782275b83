// The Temporal servers a benchmark runs against, by name, side by side: each gives the
// TEMPORAL_* variables that every process of a round connects by (client/connection-profile.ts,
// the one loader of the CLI, the worker and the webhook server), so a target is an environment,
// not a code path: the dev server, and the production-shaped cluster (four service processes on
// PostgreSQL, an mTLS frontend), whose environment names its client configuration's profile.
// WEBHOOK_LOAD_TARGETS=NAME,NAME picks some (default: all).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { freePort } from '../../client/dev/free-port.js';
import { startTemporalCluster } from '../../client/dev/temporal-cluster/temporal-cluster.js';
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
  {
    name: 'cluster',
    async up() {
      // In a directory of its own under the machine's temporary one: its PostgreSQL (the postgres
      // user) passes through the two directories above its own, not further.
      const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-cluster-'));
      const cluster = await startTemporalCluster({ dir });
      const postgresPid = cluster.postgres.server.current().process.pid!;
      return {
        env: { TEMPORAL_CONFIG_FILE: cluster.profileFile, TEMPORAL_PROFILE: cluster.profile },
        // Its services and PostgreSQL's postmaster (whose backends count once they have ended).
        serverPids: [...Object.values(cluster.services).map((s) => s.current().process.pid!), postgresPid],
        async close() {
          await cluster.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
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
