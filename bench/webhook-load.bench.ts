// The webhook server under load: 200 signed Jira deliveries a second for 10 s over loopback,
// every other one a redelivery of the one before (same X-Atlassian-Webhook-Identifier), the
// fresh ones spread over 250 tickets (4 distinct deliveries each). The real `kinstall webhook`
// in a process of its own, as a user runs it, and a real Temporal dev server of its own (no
// worker: the installs are started, not run, and terminated at the end). This process is the
// sender: open loop (each delivery leaves at its time, whatever the answers before it) over
// keep-alive connections. Latency is from a delivery's due time to its answer, so a late
// sender counts against it. Prints p50/p95/p99 and the rate against the goals (p99 under
// 200 ms, 200/s, exactly one install per distinct ticket), the CPU each process used per
// delivery, and the machine's load; asserts nothing.
// WEBHOOK_LOAD_CPU_PROF_DIR=DIR: the server runs under `node --cpu-prof` into DIR, and its
// top functions by self time are printed. WEBHOOK_LOAD_TEMPORAL_DB=file: the dev server keeps
// its sqlite database in a file (as `kinstall dev`) instead of in memory; on a shared disk its
// writes, not the webhook server, then bound the rate of starts (README, "Webhooks").
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { devKeyRingFile, ensureDevKeyRing, loadKeyRing } from '../client/codec-keys.js';
import { freePort } from '../client/dev/free-port.js';
import { startDevServer } from '../client/dev/temporal-dev-server.js';
import { sealingClientDataConverter } from '../lib/codec/data-converter.js';
import { table } from '../lib/format/table.js';
import { installWorkflowId } from '../workflows/definitions.js';
import { CLI, DEMO_SPEC } from '../test/support/repo.js';
import { jiraHeaders, jiraTransition, postThrough } from '../test/support/webhook-deliveries.js';
import { topSelfTimes } from './support/cpu-profile-top.js';
import { processCpuMs } from './support/process-cpu.js';
import { percentile } from './support/statistics.js';

const RATE = 200;
const SECONDS = 10;
const TICKETS = 250;
const GOAL_P99_MS = 200;
// Enough connections for the deliveries in flight at the goal (200/s × 200 ms = 40).
const SOCKETS = 64;
const SECRET = 'bench-jira-secret-0123456789';

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

/** Every delivery made and signed before the clock starts, so the sender only sends. */
function deliveries(): Delivery[] {
  const all: Delivery[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    if (i % 2 === 1) {
      all.push({ ...all[i - 1]!, kind: 'redelivery' });
      continue;
    }
    const ticket = `LOAD-${(i / 2) % TICKETS}`;
    const raw = JSON.stringify(jiraTransition(ticket, 'Install'));
    all.push({ kind: 'fresh', id: installWorkflowId(ticket.toLowerCase()), raw, headers: jiraHeaders(raw, SECRET, `bench-delivery-${i}`) });
  }
  return all;
}

async function untilHealthy(url: string, exited: () => boolean): Promise<void> {
  for (const until = Date.now() + 30_000; Date.now() < until && !exited(); await sleep(200)) {
    if ((await fetch(url).catch(() => undefined))?.ok) return;
  }
  throw new Error(`the webhook server did not answer ${url}`);
}

export default async function webhookLoad(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-webhooks-'));
  const profileDir = process.env.WEBHOOK_LOAD_CPU_PROF_DIR;
  const taskQueue = `katonic-bench-webhooks-${process.pid}`;
  // The dev server stands in for a production Temporal: in memory, unless asked for its file.
  const temporalDb = process.env.WEBHOOK_LOAD_TEMPORAL_DB === 'file' ? join(dir, 'temporal.db') : ':memory:';
  const server = await startDevServer({ port: await freePort(), dbFile: temporalDb });
  await ensureDevKeyRing(dir);
  const keyRing = `file:${devKeyRingFile(dir)}`;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: sealingClientDataConverter(await loadKeyRing(keyRing)) });
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
  const port = await freePort();
  // Its output goes to a file, as `kinstall webhook > FILE` (not through a pipe this process drains).
  const log = await open(join(dir, 'webhook.log'), 'a');
  const webhook = spawn('node', [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), CLI, 'webhook', '--config', config, '--port', String(port), '--address', server.address], {
    env: { KATONIC_CODEC_KEYS: keyRing, KATONIC_TASK_QUEUE: taskQueue, BENCH_JIRA_WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', log.fd, log.fd],
  });
  const exit = once(webhook, 'exit');
  let exited = false;
  void exit.then(() => (exited = true));
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
  try {
    const base = `http://127.0.0.1:${port}`;
    await untilHealthy(`${base}/healthz`, () => exited);
    const url = `${base}/webhooks/jira`;
    const planned = deliveries();
    const results: { kind: Delivery['kind']; pair: number; ms: number; lateMs: number; status: number; sameId: boolean; started: unknown }[] = [];
    const sends: Promise<void>[] = [];
    const errors: string[] = [];
    const send = (d: Delivery, i: number, due: number) => {
      const lateMs = performance.now() - due;
      const answered = postThrough(agent, url, d.raw, d.headers).then(
        (r) => ({ status: r.status, sameId: r.body.id === d.id, started: r.body.started }),
        // No answer counts as status 0: it is reported, not thrown.
        (err: Error) => (errors.push(err.message), { status: 0, sameId: false, started: undefined }),
      );
      sends.push(answered.then((a) => void results.push({ kind: d.kind, pair: Math.floor(i / 2), ms: performance.now() - due, lateMs, ...a })));
    };
    const loadBefore = load();
    const cpu0 = { sender: process.cpuUsage(), webhook: await processCpuMs(webhook.pid!), temporal: await processCpuMs(server.process.pid!) };
    const t0 = performance.now();
    const dueAt = (i: number) => t0 + (i * 1000) / RATE;
    for (let i = 0; i < planned.length; ) {
      // Everything due by now leaves now (a timer that fires late does not slow the rate).
      for (const now = performance.now(); i < planned.length && dueAt(i) <= now; i++) send(planned[i]!, i, dueAt(i));
      if (i < planned.length) await sleep(dueAt(i) - performance.now());
    }
    const sentIn = (performance.now() - t0) / 1000;
    await Promise.all(sends);
    const elapsed = (performance.now() - t0) / 1000;
    const sender = process.cpuUsage(cpu0.sender);
    const cpu = {
      sender: (sender.user + sender.system) / 1000,
      webhook: (await processCpuMs(webhook.pid!)) - cpu0.webhook,
      temporal: (await processCpuMs(server.process.pid!)) - cpu0.temporal,
    };
    const loadAfter = load();
    // Visibility is eventually consistent: count until two reads agree.
    let installs = -1;
    for (let previous = -2; installs !== previous; await sleep(1000)) {
      previous = installs;
      installs = 0;
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'install'` })) if (wf.workflowId.startsWith('install-load-')) installs++;
    }
    const row = (label: string, rs: typeof results) => {
      const ms = rs.map((r) => r.ms);
      const p99 = percentile(ms, 99);
      return [label, String(rs.length), ...[50, 95, 99].map((p) => percentile(ms, p).toFixed(1)), (p99 / GOAL_P99_MS).toFixed(2)];
    };
    const n = results.length;
    const perDelivery = (ms: number) => `${(ms / n).toFixed(2)} ms`;
    console.log(`load average ${loadBefore} before, ${loadAfter} after, on ${cpus().length} CPUs; the dev server's database ${temporalDb === ':memory:' ? 'in memory' : 'in a file'}`);
    console.log(
      `${n} deliveries sent in ${sentIn.toFixed(1)} s: ${(n / sentIn).toFixed(0)}/s offered (${(n / sentIn / RATE).toFixed(2)} of the ${RATE}/s goal), ` +
        `${(n / elapsed).toFixed(0)}/s answered; the sender was late by ${percentile(
          results.map((r) => r.lateMs),
          99,
        ).toFixed(1)} ms at p99; ${TICKETS} distinct tickets`,
    );
    console.log(`CPU per delivery: webhook server ${perDelivery(cpu.webhook)}, Temporal dev server ${perDelivery(cpu.temporal)}, sender ${perDelivery(cpu.sender)}`);
    console.log(
      table([
        ['DELIVERIES', 'COUNT', 'P50 MS', 'P95 MS', 'P99 MS', `P99 / ${GOAL_P99_MS} MS GOAL`],
        row('all', results),
        row('fresh', results.filter((r) => r.kind === 'fresh')),
        row('redelivery', results.filter((r) => r.kind === 'redelivery')),
      ]),
    );
    const bySecond = Array.from({ length: SECONDS }, (_, s) => percentile(results.filter((r) => r.pair * 2 >= s * RATE && r.pair * 2 < (s + 1) * RATE).map((r) => r.ms), 99).toFixed(0));
    console.log(`p99 ms of the deliveries due in each second: ${bySecond.join(' ')}`);
    const statuses = [...new Set(results.map((r) => r.status))].sort().map((s) => `${s}: ${results.filter((r) => r.status === s).length}`);
    console.log(`answers ${statuses.join(', ')}${errors.length ? ` (0: no answer: ${[...new Set(errors)].join(', ')})` : ''}`);
    console.log(`installs started: ${installs} on the server, ${results.filter((r) => r.status === 201).length} answered 201, for ${TICKETS} distinct tickets (goal: exactly one each)`);
    // A redelivery may overtake its first delivery (another connection): then it starts the
    // install and the first is answered as the redelivery. Either way one answer of the pair.
    const redeliveries = results.filter((r) => r.kind === 'redelivery');
    const existing = redeliveries.filter((r) => r.status === 200 && r.sameId && r.started === false).length;
    const overtook = redeliveries.filter((r) => r.status === 201 && r.sameId && results.some((f) => f.pair === r.pair && f.kind === 'fresh' && f.status === 200 && f.sameId && f.started === false)).length;
    console.log(
      `redeliveries answered 200 with the existing install's id: ${existing} of ${redeliveries.length}, ${overtook} overtook their first delivery (answered 201, the first 200 with the same id); ` +
        `answers naming another install: ${results.filter((r) => r.status > 0 && !r.sameId).length}`,
    );
  } finally {
    agent.destroy();
    // Nothing left running: the started installs are terminated, then both servers stop.
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'install' AND ExecutionStatus = 'Running'` })) await client.workflow.getHandle(wf.workflowId).terminate('webhook-load benchmark done');
    webhook.kill('SIGTERM');
    await exit;
    await log.close();
    await connection.close();
    await server.stop();
    if (profileDir) {
      const newest = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1)!;
      const { totalMs, top } = await topSelfTimes(join(profileDir, newest), 15);
      console.log(`webhook server CPU profile ${join(profileDir, newest)}: ${totalMs.toFixed(0)} ms busy (start-up included); top self time:`);
      console.log(table([['MS', '%', 'FUNCTION'], ...top.map((t) => [t.ms.toFixed(0), ((t.ms * 100) / totalMs).toFixed(1), t.name])]));
    }
    await rm(dir, { recursive: true, force: true });
  }
}
