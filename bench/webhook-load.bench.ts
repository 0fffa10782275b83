// The webhook server under load: 200 signed Jira deliveries a second for 10 s over loopback,
// every other one a redelivery of the one before (same X-Atlassian-Webhook-Identifier), the
// fresh ones for 250 tickets (4 on average), in two orders (MIXES): `spread`, new tickets
// evenly over the 10 s (25 new installs a second, the other fresh deliveries for tickets
// already started), and `burst`, the 250 new tickets first (100 new installs a second for
// 2.5 s). Before them it measures Temporal's own rate of starts here
// (support/temporal-start-capacity.ts), which the burst comes near: there it is Temporal that
// queues. Each round runs the real `kinstall webhook`, then two floors
// (support/bare-start-server.ts: the least a server that starts one install per ticket does):
// `floor` with a plain start, `entity floor` with the product's own start through the
// cluster's entity, each in a process of its own against a Temporal of its own, for each target
// (support/temporal-targets.ts: the dev server and the production-shaped cluster; WEBHOOK_LOAD_TARGETS). An install through its
// cluster's entity is an Update-with-Start the entity's workflow answers, so those rounds run a
// worker of the real workflows that polls no activity (support/entity-worker.ts): the installs
// are started, not run; the plain floor needs none. This process is the sender: open loop (each delivery leaves at its time, whatever the
// answers before it) over keep-alive connections, after a warm-up on other tickets that is not
// counted. Latency is from a delivery's due time to its answer, so a late sender counts against
// it. Prints p50/p95/p99 and the rate against the goals (p99 under 200 ms, 200/s, exactly one
// install per distinct ticket), the CPU each process used per delivery, the machine's load,
// and the product's p99 over each floor's, per target; asserts nothing. BENCH_ROUNDS (default
// 2), WEBHOOK_LOAD_MIXES (default spread,burst).
// WEBHOOK_LOAD_BASELINE=CHECKOUT: the product as built in another checkout (npm run build
// there) runs in each round too, as `baseline`: before and after a change side by side in one run.
// WEBHOOK_LOAD_CPU_PROF_DIR=DIR: the product and its worker run under `node --cpu-prof` into
// DIR/product-webhook-server and DIR/product-worker, and the last round's top functions by
// self time are printed (each of the worker's threads has a profile of its own).
// WEBHOOK_LOAD_TEMPORAL_DB=file: the dev server keeps its sqlite database in a file (as
// `kinstall dev`) instead of in memory; on a shared disk its writes, not the webhook server,
// then bound the rate of starts (docs/development.md, "Webhook load").
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { devKeyRingFile, ensureDevKeyRing, loadKeyRing } from '../client/codec-keys.js';
import { freePort } from '../client/dev/free-port.js';
import { sealingClientDataConverter } from '../lib/codec/data-converter.js';
import { table } from '../lib/format/table.js';
import { installWorkflowId } from '../workflows/definitions.js';
import { DEMO_SPEC, REPO_ROOT } from '../test/support/repo.js';
import { jiraHeaders, jiraTransition, postThrough } from '../test/support/webhook-deliveries.js';
import { topSelfTimes } from './support/cpu-profile-top.js';
import { processCpuMs, processesCpuMs } from './support/process-cpu.js';
import { percentile } from './support/statistics.js';
import { temporalStartCapacity } from './support/temporal-start-capacity.js';
import { targetClient, targetsAsked, type TemporalTargetKind } from './support/temporal-targets.js';

const RATE = 200;
const SECONDS = 10;
const TICKETS = 250;
const MIXES = ['spread', 'burst'] as const;
type Mix = (typeof MIXES)[number];
/** The ticket of the k-th fresh delivery: the order of new tickets is what tells the mixes apart. */
const TICKET_OF: Record<Mix, (k: number) => number> = {
  // Every fourth fresh delivery a new ticket; the three between for tickets started earlier.
  spread: (k) => Math.floor((Math.floor(k / 4) * (k % 4 || 4)) / 4),
  burst: (k) => k % TICKETS,
};
/** New installs asked for each second while new tickets come. */
const NEW_PER_SECOND: Record<Mix, number> = { spread: RATE / 2 / 4, burst: RATE / 2 };
const MIX_SHAPE: Record<Mix, string> = {
  spread: `${NEW_PER_SECOND.spread} new installs each second`,
  burst: `the first ${TICKETS / NEW_PER_SECOND.burst} s start the ${TICKETS} installs`,
};
// Long enough for V8 to have compiled the server's hot paths (its cost per delivery falls by
// half over the first ~2,000 deliveries); WEBHOOK_LOAD_WARMUP_SECONDS=0 measures a cold server.
const WARMUP_SECONDS = Number(process.env.WEBHOOK_LOAD_WARMUP_SECONDS ?? 10);
const GOAL_P99_MS = 200;
// Enough connections for the deliveries in flight at the goal (200/s × 200 ms = 40).
const SOCKETS = 64;
const SECRET = 'bench-jira-secret-0123456789';
const BARE_START_SERVER = join(REPO_ROOT, 'dist', 'bench', 'support', 'bare-start-server.js');
const PROFILE_DIR = process.env.WEBHOOK_LOAD_CPU_PROF_DIR;
/** Node's flags that profile a process of a variant's round into PROFILE_DIR/VARIANT-LABEL, when asked. */
const profiled = (variant: string, label: string): string[] => (PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', join(PROFILE_DIR, `${variant}-${label}`)] : []);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

interface Delivery {
  kind: 'fresh' | 'redelivery';
  /** The install the ticket keys. */
  id: string;
  raw: string;
  headers: Record<string, string>;
}

/**
 * Every delivery made and signed before the clock starts, so the sender only sends: `count`
 * deliveries, every other one a redelivery, the fresh ones for tickets in the mix's order.
 */
function deliveries(prefix: string, mix: Mix, count: number): Delivery[] {
  const all: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 1) {
      all.push({ ...all[i - 1]!, kind: 'redelivery' });
      continue;
    }
    const ticket = `${prefix}-${TICKET_OF[mix](i / 2)}`;
    const raw = JSON.stringify(jiraTransition(ticket, 'Install'));
    all.push({ kind: 'fresh', id: installWorkflowId(ticket.toLowerCase()), raw, headers: jiraHeaders(raw, SECRET, `bench-${prefix}-delivery-${i}`) });
  }
  return all;
}

interface Answer {
  kind: Delivery['kind'];
  /** The delivery and its redelivery share a pair number. */
  pair: number;
  ms: number;
  lateMs: number;
  status: number;
  sameId: boolean;
  started: unknown;
}

/** Sends `planned` at RATE, open loop: each delivery leaves at its due time, whatever the answers before it. */
async function sendOpenLoop(agent: Agent, url: string, planned: Delivery[]): Promise<{ answers: Answer[]; errors: string[]; sentIn: number }> {
  const answers: Answer[] = [];
  const errors: string[] = [];
  const sends: Promise<void>[] = [];
  const send = (d: Delivery, i: number, due: number) => {
    const lateMs = performance.now() - due;
    const answered = postThrough(agent, url, d.raw, d.headers).then(
      (r) => ({ status: r.status, sameId: r.body.id === d.id, started: r.body.started }),
      // No answer counts as status 0: it is reported, not thrown.
      (err: Error) => (errors.push(err.message), { status: 0, sameId: false, started: undefined }),
    );
    sends.push(answered.then((a) => void answers.push({ kind: d.kind, pair: Math.floor(i / 2), ms: performance.now() - due, lateMs, ...a })));
  };
  const t0 = performance.now();
  const dueAt = (i: number) => t0 + (i * 1000) / RATE;
  for (let i = 0; i < planned.length;) {
    // Everything due by now leaves now (a timer that fires late does not slow the rate).
    for (const now = performance.now(); i < planned.length && dueAt(i) <= now; i++) send(planned[i]!, i, dueAt(i));
    if (i < planned.length) await sleep(dueAt(i) - performance.now());
  }
  const sentIn = (performance.now() - t0) / 1000;
  await Promise.all(sends);
  return { answers, errors, sentIn };
}

async function untilHealthy(url: string, exited: () => boolean): Promise<void> {
  for (const until = Date.now() + 30_000; Date.now() < until && !exited(); await sleep(200)) {
    if ((await fetch(url).catch(() => undefined))?.ok) return;
  }
  throw new Error(`the webhook server did not answer ${url}`);
}

interface Variant {
  /** `product`, `baseline` (WEBHOOK_LOAD_BASELINE), `floor` or `entity floor`. */
  name: string;
  /** The worker its starts need (support/entity-worker.ts of its checkout), if any. */
  worker?: string;
  /** The server's command line, for a port and the task queue (Temporal: by the TEMPORAL_* variables). */
  command(port: number, taskQueue: string, dir: string): Promise<string[]>;
}

/** `kinstall webhook` and its worker as built in the checkout at `root`. */
const entityWorker = (root: string) => join(root, 'dist', 'bench', 'support', 'entity-worker.js');

const productVariant = (name: string, root: string): Variant => ({
  name,
  worker: entityWorker(root),
  async command(port, _taskQueue, dir) {
    const config = join(dir, 'webhooks.yaml');
    await writeFile(
      config,
      `apiVersion: katonic.ai/v1
kind: WebhookConfig
sources: {jira: {secretRefs: [env:BENCH_JIRA_WEBHOOK_SECRET]}}
rules:
  - {name: jira-install, source: jira, event: "jira:issue_updated", statusTo: Install, action: start, spec: ${DEMO_SPEC},
     set: {metadata.name: {field: issue.key, lowerCase: true}, metadata.ticket: {field: issue.key}}}
`,
    );
    return [...profiled(name, 'webhook-server'), join(root, 'dist', 'client', 'cli.js'), 'webhook', '--config', config, '--port', String(port)];
  },
});

const BASELINE = process.env.WEBHOOK_LOAD_BASELINE;
const VARIANTS: Variant[] = [
  productVariant('product', REPO_ROOT),
  ...(BASELINE ? [productVariant('baseline', BASELINE)] : []),
  { name: 'floor', command: async (port, taskQueue) => [BARE_START_SERVER, String(port), taskQueue, 'plain'] },
  { name: 'entity floor', worker: entityWorker(REPO_ROOT), command: async (port, taskQueue) => [BARE_START_SERVER, String(port), taskQueue, 'entity'] },
];
const FLOORS = ['floor', 'entity floor'];

interface Run {
  target: string;
  variant: string;
  mix: Mix;
  answers: Answer[];
  errors: string[];
  sentIn: number;
  elapsed: number;
  cpuMs: { sender: number; server: number; temporal: number; worker: number };
  installs: number;
  loadBefore: string;
  loadAfter: string;
}

/** A process of the round, its output to a file (as `kinstall webhook > FILE`, not through a pipe this process drains), ended by SIGTERM. */
async function spawnLogged(args: string[], env: Record<string, string>, logFile: string) {
  const log = await open(logFile, 'a');
  const child = spawn('node', args, { env, stdio: ['ignore', log.fd, log.fd] });
  const exit = once(child, 'exit');
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    pid: child.pid!,
    exited: () => exited,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
      await log.close();
    },
  };
}

/** One variant against a Temporal of its own (the target's): warm-up, then the measured deliveries. */
async function run(kind: TemporalTargetKind, variant: Variant, mix: Mix): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), `katonic-bench-webhooks-${variant.name}-`));
  const taskQueue = `katonic-bench-webhooks-${process.pid}`;
  const target = await kind.up(dir);
  await ensureDevKeyRing(dir);
  const keyRing = `file:${devKeyRingFile(dir)}`;
  const client = await targetClient(target, sealingClientDataConverter(await loadKeyRing(keyRing)));
  const env = { ...target.env, KATONIC_CODEC_KEYS: keyRing, KATONIC_TASK_QUEUE: taskQueue, BENCH_JIRA_WEBHOOK_SECRET: SECRET };
  const worker = variant.worker ? await spawnLogged([...profiled(variant.name, 'worker'), variant.worker, dir], env, join(dir, 'worker.log')) : undefined;
  const port = await freePort();
  const webhook = await spawnLogged(await variant.command(port, taskQueue, dir), env, join(dir, 'webhook.log'));
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
  try {
    const base = `http://127.0.0.1:${port}`;
    await untilHealthy(`${base}/healthz`, webhook.exited);
    const url = `${base}/webhooks/jira`;
    // A server that has been up a while: its code compiled and its connection open. The
    // warm-up's tickets are others, and nothing of it is counted.
    await sendOpenLoop(agent, url, deliveries('WARM', mix, RATE * WARMUP_SECONDS));
    const planned = deliveries('LOAD', mix, RATE * SECONDS);
    const loadBefore = load();
    const cpuNow = async () => ({
      server: await processCpuMs(webhook.pid),
      temporal: await processesCpuMs(target.serverPids),
      worker: worker ? await processCpuMs(worker.pid) : 0,
    });
    const cpu0 = { sender: process.cpuUsage(), ...(await cpuNow()) };
    const t0 = performance.now();
    const { answers, errors, sentIn } = await sendOpenLoop(agent, url, planned);
    const elapsed = (performance.now() - t0) / 1000;
    const sender = process.cpuUsage(cpu0.sender);
    const cpu1 = await cpuNow();
    const cpuMs = {
      sender: (sender.user + sender.system) / 1000,
      server: cpu1.server - cpu0.server,
      temporal: cpu1.temporal - cpu0.temporal,
      worker: cpu1.worker - cpu0.worker,
    };
    const loadAfter = load();
    // Visibility is eventually consistent: count until two reads agree.
    let installs = -1;
    for (let previous = -2; installs !== previous; await sleep(1000)) {
      previous = installs;
      installs = 0;
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'install'` })) if (wf.workflowId.startsWith('install-load-')) installs++;
    }
    return { target: kind.name, variant: variant.name, mix, answers, errors, sentIn, elapsed, cpuMs, installs, loadBefore, loadAfter };
  } finally {
    agent.destroy();
    await webhook.stop();
    await worker?.stop();
    // The installs were started, not run: the server and everything in it go.
    await client.connection.close();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function report(r: Run): void {
  const { answers, errors } = r;
  const n = answers.length;
  const perDelivery = (ms: number) => `${(ms / n).toFixed(2)} ms`;
  console.log(`\n-- ${r.target}, ${r.mix}, ${r.variant}: load average ${r.loadBefore} before, ${r.loadAfter} after`);
  console.log(
    `${n} deliveries sent in ${r.sentIn.toFixed(1)} s: ${(n / r.sentIn).toFixed(0)}/s offered (${(n / r.sentIn / RATE).toFixed(2)} of the ${RATE}/s goal), ` +
      `${(n / r.elapsed).toFixed(0)}/s answered; the sender was late by ${percentile(
        answers.map((a) => a.lateMs),
        99,
      ).toFixed(1)} ms at p99`,
  );
  console.log(
    `CPU per delivery: ${FLOORS.includes(r.variant) ? 'floor server' : 'webhook server'} ${perDelivery(r.cpuMs.server)}, Temporal ${perDelivery(r.cpuMs.temporal)}, ` +
      `${r.cpuMs.worker === 0 ? '' : `worker ${perDelivery(r.cpuMs.worker)}, `}sender ${perDelivery(r.cpuMs.sender)}`,
  );
  const row = (label: string, rs: Answer[]) => {
    const ms = rs.map((a) => a.ms);
    return [label, String(rs.length), ...[50, 95, 99].map((p) => percentile(ms, p).toFixed(1)), (percentile(ms, 99) / GOAL_P99_MS).toFixed(2)];
  };
  console.log(
    table([
      ['DELIVERIES', 'COUNT', 'P50 MS', 'P95 MS', 'P99 MS', `P99 / ${GOAL_P99_MS} MS GOAL`],
      row('all', answers),
      row(
        'fresh',
        answers.filter((a) => a.kind === 'fresh'),
      ),
      row(
        'redelivery',
        answers.filter((a) => a.kind === 'redelivery'),
      ),
    ]),
  );
  const bySecond = Array.from({ length: SECONDS }, (_, s) =>
    percentile(
      answers.filter((a) => a.pair * 2 >= s * RATE && a.pair * 2 < (s + 1) * RATE).map((a) => a.ms),
      99,
    ).toFixed(0),
  );
  console.log(`p99 ms of the deliveries due in each second: ${bySecond.join(' ')} (${MIX_SHAPE[r.mix]})`);
  const statuses = [...new Set(answers.map((a) => a.status))].sort().map((s) => `${s}: ${answers.filter((a) => a.status === s).length}`);
  console.log(`answers ${statuses.join(', ')}${errors.length ? ` (0: no answer: ${[...new Set(errors)].join(', ')})` : ''}`);
  console.log(
    `installs started: ${r.installs} on the server, ${answers.filter((a) => a.status === 201).length} answered 201, for ${TICKETS} distinct tickets (goal: exactly one each)`,
  );
  // A redelivery may overtake its first delivery (another connection): then it starts the
  // install and the first is answered as the redelivery. Either way one answer of the pair.
  const redeliveries = answers.filter((a) => a.kind === 'redelivery');
  const existing = redeliveries.filter((a) => a.status === 200 && a.sameId && a.started === false).length;
  const overtook = redeliveries.filter(
    (a) => a.status === 201 && a.sameId && answers.some((f) => f.pair === a.pair && f.kind === 'fresh' && f.status === 200 && f.sameId && f.started === false),
  ).length;
  console.log(
    `redeliveries answered 200 with the existing install's id: ${existing} of ${redeliveries.length}, ${overtook} overtook their first delivery (answered 201, the first 200 with the same id); ` +
      `answers naming another install: ${answers.filter((a) => a.status > 0 && !a.sameId).length}`,
  );
}

function mixesAsked(): Mix[] {
  const asked = (process.env.WEBHOOK_LOAD_MIXES ?? MIXES.join(',')).split(',').map((m) => m.trim());
  const unknown = asked.filter((m) => !(MIXES as readonly string[]).includes(m));
  if (unknown.length) {
    console.error(`WEBHOOK_LOAD_MIXES: no mix ${unknown.join(', ')}; expected a comma-separated list of ${MIXES.join(', ')}`);
    process.exit(2);
  }
  return asked as Mix[];
}

export default async function webhookLoad(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const mixes = mixesAsked();
  const targets = targetsAsked();
  console.log(
    `${cpus().length} CPUs; Temporal: ${targets.map((t) => t.name).join(', ')}; the dev server's database ${process.env.WEBHOOK_LOAD_TEMPORAL_DB === 'file' ? 'in a file' : 'in memory'}; ` +
      `mixes ${mixes.join(', ')}; ${rounds} round(s) of each, each: ${VARIANTS.map((v) => v.name).join(', ')}`,
  );
  /** By target and mix, each variant's p99 by round. */
  const p99s = new Map<string, Map<string, number[]>>();
  for (const target of targets) {
    const capacity = await temporalStartCapacity(target);
    console.log(
      `\n${target.name}: Temporal's own rate of starts (a bare client, 50 in flight, nothing else running): ${capacity.startsPerSecond.toFixed(0)}/s, ` +
        `${capacity.serverCpuMsPerStart.toFixed(1)} ms of its CPU per start on ${capacity.serverCores.toFixed(2)} cores; ` +
        `new installs asked for: ${MIXES.map((m) => `${m} ${NEW_PER_SECOND[m]}/s (${((100 * NEW_PER_SECOND[m]) / capacity.startsPerSecond).toFixed(0)}% of it)`).join(', ')}`,
    );
    for (const mix of mixes) {
      for (let round = 1; round <= rounds; round++) {
        for (const variant of VARIANTS) {
          const r = await run(target, variant, mix);
          report(r);
          const key = `${target.name}, ${mix}`;
          const byVariant = p99s.get(key) ?? new Map<string, number[]>();
          const rounds = byVariant.get(variant.name) ?? [];
          rounds.push(
            percentile(
              r.answers.map((a) => a.ms),
              99,
            ),
          );
          p99s.set(key, byVariant.set(variant.name, rounds));
        }
      }
    }
  }
  console.log(`\np99 of all deliveries, by round (goal ${GOAL_P99_MS} ms):`);
  const byRound = (ms: number[]) => ms.map((m) => m.toFixed(0)).join(' / ');
  for (const [key, byVariant] of p99s) {
    console.log(`  ${key}: ${[...byVariant].map(([name, ms]) => `${name} ${byRound(ms)} ms`).join(', ')}`);
    for (const [name, ms] of byVariant) {
      if (FLOORS.includes(name)) continue;
      const ratios = FLOORS.map((f) => `${name} / ${f} ${ms.map((m, i) => (m / byVariant.get(f)![i]!).toFixed(2)).join(' / ')}`);
      console.log(`    ${ratios.join('; ')}; ${name} under the goal in ${ms.filter((m) => m < GOAL_P99_MS).length} of ${ms.length}`);
    }
  }
  if (PROFILE_DIR) for (const label of ['webhook-server', 'worker']) await printProfiles(join(PROFILE_DIR, `product-${label}`));
}

/** The top self times of the newest process's profiles in `dir` (Node names them CPU.DATE.TIME.PID.THREAD.SEQ.cpuprofile). */
async function printProfiles(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const pidOf = (f: string) => f.split('.')[3];
  const newest = pidOf(files.at(-1)!);
  for (const file of files.filter((f) => pidOf(f) === newest)) {
    const { totalMs, top } = await topSelfTimes(join(dir, file), 15);
    console.log(`\nCPU profile ${join(dir, file)}: ${totalMs.toFixed(0)} ms busy (start-up included); top self time:`);
    console.log(table([['MS', '%', 'FUNCTION'], ...top.map((t) => [t.ms.toFixed(0), ((t.ms * 100) / totalMs).toFixed(1), t.name])]));
  }
}
