// What an end-to-end test file runs against: the shared real Temporal dev server and the
// shared real Kubernetes control plane (see global-setup), or a control plane of its own,
// its own data directory and task queue, a real worker process (`kinstall worker`), and the
// real CLI. The stand-in Kubespray "builds" the cluster at <dataDir>/control-plane/admin.conf.
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import yaml from 'js-yaml';
import { devKeyRingFile, ensureDevKeyRing, loadKeyRing } from '../../client/codec-keys.js';
import { fetchStatus } from '../../client/install-status.js';
import { sealingClientDataConverter } from '../../lib/codec/data-converter.js';
import type { InstallStatus } from '../../lib/install/status.js';
import { resolveSpecPaths } from '../../lib/spec/resolve-paths.js';
import type { Installation } from '../../lib/spec/schema.js';
import { parseSpecText } from '../../lib/spec/validate.js';
import { KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../client/dev/control-plane/control-plane.js';
import { freePort } from '../../client/dev/free-port.js';
import { CLUSTER_PROFILE } from '../../client/dev/temporal-cluster/temporal-cluster.js';
import { loadConnection } from '../../client/connection-profile.js';
import { clusterProfileFile } from './temporal-cluster-faults.js';
import { CLI, DEMO_SPEC } from './repo.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface WorkerProcess {
  process: ResultPromise;
  /** Its Prometheus endpoint (a port of its own: tests run several workers at once). */
  metricsUrl: string;
  stop(): Promise<void>;
}

export interface Harness {
  dataDir: string;
  env: Record<string, string>;
  client: Client;
  /** The cluster the installs of this harness go into. */
  cluster: { kubeconfig: string; kc: KubeConfig };
  cli(...args: string[]): Promise<CliResult>;
  /**
   * A worker process; with `dataDir`, one with a data directory of its own (another machine);
   * `env` changes its environment (a value undefined removes the variable).
   */
  startWorker(opts?: { dataDir?: string; env?: Record<string, string | undefined> }): Promise<WorkerProcess>;
  /** A data directory for another worker: empty but for its own view of the cluster. */
  otherDataDir(label: string): Promise<string>;
  /** A spec file based on the demo spec, named `name`, changed by `change`. */
  writeSpec(name: string, change?: (spec: Installation) => void): Promise<string>;
  status(name: string): Promise<InstallStatus>;
  waitFor(name: string, until: (s: InstallStatus) => boolean, timeoutMs?: number): Promise<InstallStatus>;
  /** `waitFor` by workflow id: a cluster operation's child (cluster-<name>-<n>-<kind>). */
  waitForRun(id: string, until: (s: InstallStatus) => boolean, timeoutMs?: number): Promise<InstallStatus>;
  journal(name: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function loadDemoSpec(): Promise<Installation> {
  const parsed = parseSpecText(await readFile(DEMO_SPEC, 'utf8'));
  if (!parsed.ok) throw new Error(`the demo spec is invalid: ${JSON.stringify(parsed.errors)}`);
  return resolveSpecPaths(parsed.spec, dirname(DEMO_SPEC));
}

/** PIDs of Ansible processes working under a directory (their command lines name its files). */
export async function ansibleProcessesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('ansible') && cmdline.includes(dir)) pids.push(Number(entry));
  }
  return pids;
}

/** The process's environment with `base` and `changes` on top (a value undefined removes the variable). */
export function withEnv(base: Record<string, string>, changes: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...process.env, ...base, ...changes };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface HarnessOptions {
  /** Another Temporal server than the shared one (a test that restarts its own, a benchmark). */
  address?: string;
  /**
   * The shared production-shaped cluster instead of the dev server: every worker, CLI and this
   * client connect by its profile (mTLS), as a customer's would.
   */
  cluster?: boolean;
  /** With `cluster`: another cluster's client configuration than the shared one's (a benchmark's). */
  clusterProfileFile?: string;
  /** The admin kubeconfig of another control plane than the shared one (a benchmark's). */
  kubeconfig?: string;
  /** A control plane of its own, for tests that change cluster-wide objects (StorageClasses, quotas). */
  ownControlPlane?: boolean;
  /** The codec keys to seal with, instead of a new key (recorded histories that tests open again). */
  keyRingFile?: string;
  /** Environment every worker of this harness gets (before a worker's own `env`). */
  workerEnv?: Record<string, string>;
}

export async function startHarness(label: string, opts: HarnessOptions = {}): Promise<Harness> {
  const address = opts.address ?? process.env.KATONIC_TEST_TEMPORAL_ADDRESS;
  const sharedKubeconfig = opts.kubeconfig ?? process.env.KATONIC_TEST_KUBECONFIG;
  if (!address || !sharedKubeconfig) throw new Error('no dev server or control plane: run the e2e tests through jest (global-setup starts them)');
  const profileFile = opts.clusterProfileFile ?? clusterProfileFile();
  if (opts.cluster && !profileFile) throw new Error('no production-shaped cluster: run the e2e tests through jest (global-setup starts it where it is built)');
  const temporalEnv: Record<string, string> = opts.cluster
    ? { TEMPORAL_CONFIG_FILE: profileFile!, TEMPORAL_PROFILE: CLUSTER_PROFILE }
    : { TEMPORAL_ADDRESS: address };
  const dataDir = await mkdtemp(join(tmpdir(), `katonic-e2e-${label}-`));
  const env = { KATONIC_DATA_DIR: dataDir, KATONIC_TASK_QUEUE: `katonic-install-${label}-${process.pid}`, ...temporalEnv };
  const clusterDir = join(dataDir, 'control-plane');
  const kubeconfig = join(clusterDir, 'admin.conf');
  // Where the stand-in Kubespray finds the cluster it "builds": <dataDir>/control-plane/admin.conf.
  const linkCluster = async (dir: string) => {
    await mkdir(join(dir, 'control-plane'));
    await symlink(opts.ownControlPlane ? kubeconfig : sharedKubeconfig, join(dir, 'control-plane', 'admin.conf'));
  };
  let own: ControlPlane | undefined;
  if (opts.ownControlPlane) own = await startControlPlane({ dir: clusterDir });
  else await linkCluster(dataDir);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  // The codec key the worker, the CLI (both find <dataDir>/codec-keys) and this client share.
  if (opts.keyRingFile) await copyFile(opts.keyRingFile, devKeyRingFile(dataDir));
  await ensureDevKeyRing(dataDir);
  const connection = await Connection.connect(opts.cluster ? loadConnection({ configFile: profileFile, profile: CLUSTER_PROFILE }, {}) : { address });
  const client = new Client({ connection, dataConverter: sealingClientDataConverter(await loadKeyRing(`file:${devKeyRingFile(dataDir)}`)) });
  const workers: WorkerProcess[] = [];
  const specDir = join(dataDir, 'specs');

  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await execa('node', [CLI, ...args], { env, reject: false, timeout: 300_000 });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const status = async (name: string): Promise<InstallStatus> => {
    const r = await cli('status', `install-${name}`, '--json');
    if (r.exitCode !== 0) throw new Error(`status failed (${r.exitCode}): ${r.stderr}`);
    return JSON.parse(r.stdout) as InstallStatus;
  };

  const waitForRun = async (id: string, until: (s: InstallStatus) => boolean, timeoutMs = 240_000): Promise<InstallStatus> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // In process, with the code `kinstall status` runs: a CLI process per poll would cost a
      // Node start-up each time, on a machine busy with Ansible.
      const s = await fetchStatus(client, id).catch(() => undefined);
      if (s && until(s)) return s;
      if (Date.now() > deadline) {
        const phases = s?.phases.map((p) => `${p.name} ${p.state} x${p.attempts}${p.task ? ` (${p.task})` : ''}`).join(', ');
        throw new Error(
          `${id} did not reach the expected state in ${timeoutMs} ms; last: ${s?.state}: ${phases}${s?.error ? `; error ${JSON.stringify(s.error)}` : ''}`,
        );
      }
      // A poll costs a describe and a query (milliseconds); a second apart, each of the suite's
      // waits took half a second longer than its state, on average.
      await sleep(500);
    }
  };

  return {
    dataDir,
    env,
    client,
    cluster: { kubeconfig, kc },
    cli,
    status,
    async otherDataDir(other) {
      const dir = await mkdtemp(join(tmpdir(), `katonic-e2e-${label}-${other}-`));
      await linkCluster(dir);
      return dir;
    },
    async startWorker(workerOpts = {}) {
      const workerDir = workerOpts.dataDir ?? dataDir;
      // Another data directory, the same codec keys (as every worker of a deployment has).
      const metricsAddress = `127.0.0.1:${await freePort()}`;
      const workerEnv = withEnv(
        {
          ...env,
          ...opts.workerEnv,
          KATONIC_DATA_DIR: workerDir,
          KATONIC_CODEC_KEYS: `file:${devKeyRingFile(dataDir)}`,
          KATONIC_METRICS_ADDRESS: metricsAddress,
        },
        workerOpts.env,
      );
      const child = execa('node', [CLI, 'worker'], { env: workerEnv, extendEnv: false, reject: false, stdin: 'ignore', buffer: false });
      // Its output goes to a log file: a pipe nobody reads fills up, and the worker then blocks
      // on its next log line.
      const log = createWriteStream(join(workerDir, `worker-${workers.length + 1}.log`), { flags: 'a' });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      void child.finally(() => log.end());
      // Ready once it has told us where it polls.
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Worker on') && resolve());
        void child.then((r) => reject(new Error(`the worker exited early: ${r.exitCode}`)));
      });
      const worker = {
        process: child,
        metricsUrl: `http://${metricsAddress}/metrics`,
        async stop() {
          if (child.exitCode === null) child.kill('SIGINT');
          await child;
        },
      };
      workers.push(worker);
      return worker;
    },
    async writeSpec(name, change) {
      const spec = await loadDemoSpec();
      spec.metadata.name = name;
      spec.spec.extraVars = { standin_delay_seconds: 0 };
      // The storage smoke is about 2.5 s of every verify: the tests of verify turn it back on
      // (e2e-onprem-install, the demo's own path) or call it (e2e-verify-settle); the others
      // test other things, and it reports itself skipped there.
      spec.spec.verify = { ...spec.spec.verify, storageSmoke: false };
      change?.(spec);
      const file = join(specDir, `${name}.yaml`);
      await execa('mkdir', ['-p', specDir]);
      await writeFile(file, yaml.dump(spec));
      return file;
    },
    waitFor: (name, until, timeoutMs) => waitForRun(`install-${name}`, until, timeoutMs),
    waitForRun,
    async journal(name) {
      const text = await readFile(join(dataDir, 'runs', name, 'journal.log'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean);
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await connection.close();
      await own?.stop();
    },
  };
}

/** The node of `singleNode`. */
export const SINGLE_NODE = 'all-in-one';

/**
 * One node with every role, in place of the demo's three (the stand-in's groups all still have a
 * member): a third of the Ansible work, for tests about something other than nodes. A name of its
 * own: called master-1, it would register the shared cluster's master-1 again as a worker too,
 * without the control-plane taint another test reads there.
 */
export function singleNode(spec: Installation): void {
  spec.spec.onprem!.nodes = [{ name: SINGLE_NODE, address: '127.0.0.11', roles: ['control-plane', 'etcd', 'worker'] }];
}

/**
 * The phases a journal has lines of, in the order they first ran. A missing journal reads as no
 * lines, so a test that loops over the lines checks this first: an empty loop checks nothing.
 */
export function journalPhases(lines: string[]): string[] {
  return [...new Set(lines.map((line) => line.split(' ')[0]!))];
}

/** How many times each journal line occurs. */
export function countLines(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}
