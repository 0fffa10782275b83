// The shared production-shaped Temporal cluster (started once by global-setup) as the tests
// see it: its connection profile, and its processes found by their command lines (a service by
// `--service NAME`, PostgreSQL by its data directory) to be killed as a fault. The global setup
// keeps them running: a killed one is started again, as systemd or Kubernetes would.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../client/dev/temporal-cluster/server-config.js';

export const CLUSTER_PROFILE_ENV = 'KATONIC_TEST_CLUSTER_PROFILE';
export const CLUSTER_CONFIG_ENV = 'KATONIC_TEST_CLUSTER_CONFIG';

/** The cluster's client configuration (TOML, profile `cluster`), or undefined when it is not running. */
export const clusterProfileFile = (): string | undefined => process.env[CLUSTER_PROFILE_ENV];

async function processesMatching(match: (args: string[]) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = await readFile(`/proc/${entry}/cmdline`, 'utf8').then(
      // NUL-terminated arguments: the last split is empty.
      (text) => text.split('\0').slice(0, -1),
      () => [],
    );
    if (match(args)) pids.push(Number(entry));
  }
  return pids;
}

function clusterConfig(): string {
  const config = process.env[CLUSTER_CONFIG_ENV];
  if (!config) throw new Error(`no ${CLUSTER_CONFIG_ENV}: the cluster tests run through jest (global-setup starts the cluster)`);
  return config;
}

/** The pid of the cluster's service `name` (the temporal-server process started with `--service name`). */
export async function servicePid(name: ServiceName): Promise<number | undefined> {
  const config = clusterConfig();
  const [pid] = await processesMatching((args) => args.includes(config) && args.at(-1) === name && args.at(-2) === '--service');
  return pid;
}

/** The pid of the cluster's PostgreSQL server (the postmaster of its data directory). */
export async function postgresPid(): Promise<number | undefined> {
  const data = join(dirname(clusterConfig()), 'postgres', 'data');
  const [pid] = await processesMatching((args) => args[0]?.endsWith('/postgres') === true && args[1] === '-D' && args[2] === data);
  return pid;
}

/** Sends `signal` to the process `find` finds, then waits until another one runs in its place. */
export async function killAndAwaitReplacement(
  what: string,
  find: () => Promise<number | undefined>,
  signal: NodeJS.Signals,
): Promise<{ before: number; after: number }> {
  const before = await find();
  if (!before) throw new Error(`no ${what} process found`);
  process.kill(before, signal);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const after = await find();
    if (after && after !== before) return { before, after };
    if (Date.now() > deadline) throw new Error(`${what} (pid ${before}) got ${signal} and was not started again within 60 s`);
    await sleep(100);
  }
}
