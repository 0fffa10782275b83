// The randomized fault run: installs over SSH on 3 test nodes, two workers, its own Temporal
// dev server and control plane; each install gets a fault schedule drawn from its seed (a
// worker killed, the server killed with -9 and restarted, a task that fails N times, a node's
// link cut and restored). The bench plays the operator: an install that waits for one is
// retried once the faults are over. Per seed it prints how the install ended and whether every
// invariant held. Not in `npm test` (minutes per install). FAULT_RUNS (default 20) and
// FAULT_FIRST_SEED (default 1) choose the seeds.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import yaml from 'js-yaml';
import { devKeyRingFile, ensureDevKeyRing, loadKeyRing } from '../client/codec-keys.js';
import { startControlPlane } from '../client/dev/control-plane/control-plane.js';
import { freePort } from '../client/dev/free-port.js';
import { METRICS_ADDRESS_ENV } from '../lib/local-tools.js';
import { startSshNodes, type SshNodes } from '../client/dev/ssh-nodes/ssh-nodes.js';
import { onSshNodes } from '../client/dev/ssh-nodes/ssh-spec.js';
import { startDevServer, type DevServer } from '../client/dev/temporal-dev-server.js';
import { fetchStatus } from '../client/install-status.js';
import { sealingClientDataConverter } from '../lib/codec/data-converter.js';
import { table } from '../lib/format/table.js';
import type { InstallStatus } from '../lib/install/status.js';
import { ansibleProcessesUnder, countLines, loadDemoSpec } from '../test/support/e2e-harness.js';
import { CLI } from '../test/support/repo.js';
import { seededRandom } from '../test/support/seeded-random.js';

type Fault =
  | { kind: 'worker-kill'; atSeconds: number; worker: number }
  | { kind: 'server-kill'; atSeconds: number }
  | { kind: 'task-failure'; task: string; host: string; times: number }
  | { kind: 'link-cut'; atSeconds: number; node: number; forSeconds: number };

const KUBESPRAY_TASKS = [
  'Prepare the hosts',
  'Install the container runtime',
  'Configure etcd',
  'Join the worker nodes',
  'Install the network plugin',
  'Register the nodes',
];

export function faultSchedule(seed: number, nodes: string[]): Fault[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const at = () => 5 + Math.floor(next() * 40);
  const kinds = ['worker-kill', 'server-kill', 'task-failure', 'link-cut'] as const;
  const faults: Fault[] = [];
  for (const kind of new Set([pick(kinds), pick(kinds)])) {
    if (kind === 'worker-kill') faults.push({ kind, atSeconds: at(), worker: Math.floor(next() * 2) });
    if (kind === 'server-kill') faults.push({ kind, atSeconds: at() });
    if (kind === 'task-failure') faults.push({ kind, task: pick(KUBESPRAY_TASKS), host: pick(nodes), times: 1 + Math.floor(next() * 4) });
    if (kind === 'link-cut') faults.push({ kind, atSeconds: at(), node: Math.floor(next() * nodes.length), forSeconds: 5 + Math.floor(next() * 40) });
  }
  return faults;
}

const describe = (f: Fault): string => {
  switch (f.kind) {
    case 'worker-kill':
      return `worker ${f.worker + 1} killed at ${f.atSeconds}s`;
    case 'server-kill':
      return `server kill -9 at ${f.atSeconds}s`;
    case 'task-failure':
      return `"${f.task}" fails ${f.times}x on ${f.host}`;
    case 'link-cut':
      return `link ${f.node + 1} cut at ${f.atSeconds}s for ${f.forSeconds}s`;
  }
};

interface Rig {
  dataDir: string;
  env: Record<string, string>;
  server: DevServer;
  serverPort: number;
  dbFile: string;
  client: Client;
  workers: (ResultPromise | undefined)[];
  nodes: SshNodes;
}

async function startWorker(rig: Rig, index: number): Promise<void> {
  const log = { file: join(rig.dataDir, `worker-${index + 1}.log`), append: true } as const;
  // Each its own metrics port: two workers on the contract's 9464 would collide on one machine.
  const env = { ...rig.env, [METRICS_ADDRESS_ENV]: `127.0.0.1:${await freePort()}` };
  rig.workers[index] = execa('node', [CLI, 'worker'], { env, reject: false, stdin: 'ignore', stdout: log, stderr: log });
}

/** A client that reads what the workers seal with the key ring in `dataDir`. */
async function connect(address: string, dataDir: string): Promise<Client> {
  await ensureDevKeyRing(dataDir);
  const dataConverter = sealingClientDataConverter(await loadKeyRing(`file:${devKeyRingFile(dataDir)}`));
  for (;;) {
    try {
      return new Client({ connection: await Connection.connect({ address, connectTimeout: '2s' }), dataConverter });
    } catch {
      await sleep(500);
    }
  }
}

/** Runs one fault at its time; resolves when the fault is over (the link restored, the worker or server back). */
async function inject(rig: Rig, fault: Fault, startedAt: number): Promise<void> {
  if (fault.kind === 'task-failure') return;
  await sleep(Math.max(0, startedAt + fault.atSeconds * 1000 - Date.now()));
  if (fault.kind === 'worker-kill') {
    rig.workers[fault.worker]?.kill('SIGKILL');
    await rig.workers[fault.worker];
    await sleep(3000);
    await startWorker(rig, fault.worker);
  } else if (fault.kind === 'server-kill') {
    rig.server.process.kill('SIGKILL');
    await rig.server.process;
    await sleep(3000);
    rig.server = await startDevServer({ port: rig.serverPort, dbFile: rig.dbFile });
  } else {
    const node = rig.nodes.nodes[fault.node]!;
    await node.cutLink();
    await sleep(fault.forSeconds * 1000);
    await node.restoreLink();
  }
}

interface Outcome {
  seed: number;
  faults: string;
  ended: string;
  operatorRetries: number;
  seconds: number;
  invariants: string;
}

async function runSeed(rig: Rig, seed: number): Promise<Outcome> {
  const name = `seed-${seed}`;
  const faults = faultSchedule(
    seed,
    rig.nodes.nodes.map((n) => n.name),
  );
  const spec = await loadDemoSpec();
  spec.metadata.name = name;
  onSshNodes(spec, rig.nodes);
  const failure = faults.find((f) => f.kind === 'task-failure');
  spec.spec.extraVars = {
    standin_delay_seconds: 1,
    ...(failure ? { standin_fail: { phase: 'kubespray', task: failure.task, host: failure.host, times: failure.times } } : {}),
  };
  const file = join(rig.dataDir, `${name}.yaml`);
  await writeFile(file, yaml.dump(spec));
  const started = Date.now();
  const cli = (...args: string[]) => execa('node', [CLI, ...args], { env: rig.env, reject: false });
  if ((await cli('start', file)).exitCode !== 0)
    return { seed, faults: faults.map(describe).join('; '), ended: 'not started', operatorRetries: 0, seconds: 0, invariants: '-' };
  const injected = Promise.all(faults.map((f) => inject(rig, f, started)));
  let faultsOver = false;
  void injected.then(() => (faultsOver = true));

  // Journal counts of each phase when it completed: a finished phase must not run again.
  const journal = async () => countLines((await readFile(join(rig.dataDir, 'runs', name, 'journal.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean));
  const phaseLines = (counts: Map<string, number>, phase: string) => JSON.stringify([...counts].filter(([l]) => l.startsWith(`${phase} `)).sort());
  const atCompletion = new Map<string, string>();
  let status: InstallStatus | undefined;
  let retries = 0;
  const deadline = started + 20 * 60_000;
  for (;;) {
    status = await fetchStatus(rig.client, `install-${name}`).catch(() => status);
    const counts = await journal();
    for (const p of status?.phases ?? []) if (p.state === 'completed' && !atCompletion.has(p.name)) atCompletion.set(p.name, phaseLines(counts, p.name));
    if (status?.state === 'completed' || status?.state === 'failed' || status?.state === 'cancelled' || Date.now() > deadline) break;
    if (status?.state === 'waiting-for-operator' && faultsOver) {
      // The operator: the faults are over (link restored, worker and server back), so retry.
      if ((await cli('retry', `install-${name}`)).exitCode === 0) retries++;
    }
    await sleep(1000);
  }
  await injected;
  const broken: string[] = [];
  const counts = await journal();
  for (const [phase, lines] of atCompletion) if (phaseLines(counts, phase) !== lines) broken.push(`${phase} ran again`);
  const nodeNames = rig.nodes.nodes.map((n) => n.name);
  for (const [line] of counts) {
    const host = line.split(' ').at(-1)!;
    if (line.startsWith('kubespray ') && !nodeNames.includes(host)) broken.push(`kubespray touched ${host}`);
    if (line.startsWith('katonic ') && host !== 'localhost') broken.push(`katonic touched ${host}`);
  }
  if ((await ansibleProcessesUnder(join(rig.dataDir, 'runs', name))).length) broken.push('Ansible left running');
  return {
    seed,
    faults: faults.map(describe).join('; '),
    ended: status?.state ?? 'unknown',
    operatorRetries: retries,
    seconds: Math.round((Date.now() - started) / 1000),
    invariants: broken.join(', ') || 'held',
  };
}

export default async function bench(): Promise<void> {
  const runs = Number(process.env.FAULT_RUNS ?? 20);
  const first = Number(process.env.FAULT_FIRST_SEED ?? 1);
  const dataDir = await mkdtemp(join(tmpdir(), 'katonic-bench-faults-'));
  const serverPort = await freePort();
  const dbFile = join(dataDir, 'temporal', 'temporal.db');
  const server = await startDevServer({ port: serverPort, dbFile });
  const cluster = await startControlPlane({ dir: join(dataDir, 'control-plane') });
  const nodes = await startSshNodes({ count: 3, dir: join(dataDir, 'ssh-nodes'), names: ['bench-node-1', 'bench-node-2', 'bench-node-3'] });
  const env = { KATONIC_DATA_DIR: dataDir, KATONIC_TASK_QUEUE: `katonic-bench-faults-${process.pid}`, TEMPORAL_ADDRESS: server.address };
  const rig: Rig = { dataDir, env, server, serverPort, dbFile, client: await connect(server.address, dataDir), workers: [], nodes };
  await startWorker(rig, 0);
  await startWorker(rig, 1);
  const outcomes: Outcome[] = [];
  try {
    for (let seed = first; seed < first + runs; seed++) {
      const outcome = await runSeed(rig, seed);
      outcomes.push(outcome);
      console.log(
        `seed ${seed}: ${outcome.ended} in ${outcome.seconds} s, ${outcome.operatorRetries} operator retries, invariants ${outcome.invariants} (${outcome.faults})`,
      );
    }
  } finally {
    for (const worker of rig.workers) worker?.kill('SIGINT');
    await Promise.all(rig.workers);
    await rig.client.connection.close();
    await nodes.close();
    await cluster.stop();
    await rig.server.stop();
  }
  const rows = [
    ['SEED', 'FAULTS', 'ENDED', 'OPERATOR RETRIES', 'SECONDS', 'INVARIANTS'],
    ...outcomes.map((o) => [String(o.seed), o.faults, o.ended, String(o.operatorRetries), String(o.seconds), o.invariants]),
  ];
  console.log(`\n${table(rows)}`);
  const completed = outcomes.filter((o) => o.ended === 'completed').length;
  const held = outcomes.filter((o) => o.invariants === 'held').length;
  console.log(`\ncompleted ${completed} of ${outcomes.length}; every invariant held in ${held} of ${outcomes.length} (goal: all)`);
}
