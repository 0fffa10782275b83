// P4: BENCH_INSTALLS installs (default 50) of the demo spec (each its own cluster name, the
// stand-ins without delays) started at once on ONE worker, a process of its own, with its own
// control plane, on each Temporal side by side (BENCH_TEMPORAL: `both`, the default, or `dev
// server` or `cluster`): the dev server, then the production-shaped cluster (four service
// processes on PostgreSQL, mTLS), each started for the run, one after the other on the same
// machine, then a table of the two with their ratios. Prints how many completed and were lost (neither completed nor
// failed when the last one ended or BENCH_TIMEOUT_MINUTES, default 60, ran out), the wall time,
// the gaps between one phase's end and the next one's start from the workflow histories, and
// the worker's peak RSS (VmHWM of its process), each against its goal: 0 lost, p95 gap < 100 ms,
// peak RSS < 500 MB. The gap to the next phase's start includes the wait for a free slot: it is
// printed apart from the gap to the next phase being scheduled, which is the workflow's own
// hand-over. Each activity's wait for a slot (scheduled to started) is printed too, the Ansible
// steps' apart from the light activities' (worker/create-worker.ts gives them separate slots):
// goal, a light activity starts within a second whatever Ansible is doing.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInstall } from '../client/api/installs.js';
import { loadSpec } from '../client/load-spec.js';
import { table } from '../lib/format/table.js';
import { activityRuns, phaseGaps, slotWaits } from './support/phase-times.js';
import { startBenchStand, type BenchTemporal } from './support/stand.js';
import { percentile } from './support/statistics.js';

const GOAL_GAP_P95_MS = 100;
const GOAL_RSS_MB = 500;
const GOAL_LIGHT_WAIT_P95_MS = 1000;

/** A /proc/PID/status field in MB (they are given in kB). */
async function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

interface P4Result {
  temporal: BenchTemporal;
  count: number;
  completed: number;
  failed: number;
  lost: number;
  wallSeconds: number;
  handOverMs: number[];
  lightWaits: number[];
  ansibleWaits: number[];
  peakRssMb: number;
}

const TEMPORALS: BenchTemporal[] = ['dev server', 'cluster'];

export default async function bench(): Promise<void> {
  const count = Number(process.env.BENCH_INSTALLS ?? 50);
  const which = process.env.BENCH_TEMPORAL ?? 'both';
  const targets = TEMPORALS.filter((t) => which === 'both' || which === t);
  if (!targets.length) throw new Error(`BENCH_TEMPORAL ${which}: expected both, ${TEMPORALS.join(' or ')}`);
  const results: P4Result[] = [];
  for (const temporal of targets) results.push(await p4(temporal, count));
  if (results.length < 2) return;
  const [dev, cluster] = results as [P4Result, P4Result];
  const p95 = (v: number[]) => percentile(v, 95);
  const line = (label: string, pick: (r: P4Result) => number, unit: string) => {
    const [a, b] = [pick(dev), pick(cluster)];
    return [label, `${Math.round(a * 10) / 10} ${unit}`, `${Math.round(b * 10) / 10} ${unit}`, a > 0 ? `${(b / a).toFixed(2)}x` : '-'];
  };
  console.log(`\nP4 side by side (${count} installs at once on one worker, each Temporal started for its run):`);
  console.log(
    table([
      ['', 'DEV SERVER', 'CLUSTER', 'CLUSTER / DEV'],
      line('completed', (r) => r.completed, ''),
      line('wall time', (r) => r.wallSeconds / 60, 'min'),
      line('hand-over p95', (r) => p95(r.handOverMs), 'ms'),
      line('light activities: slot wait p95', (r) => p95(r.lightWaits), 'ms'),
      line('light activities: slot wait max', (r) => percentile(r.lightWaits, 100), 'ms'),
      line('Ansible steps: slot wait p95', (r) => p95(r.ansibleWaits), 'ms'),
      line('worker peak RSS', (r) => r.peakRssMb, 'MB'),
    ]),
  );
}

async function p4(temporal: BenchTemporal, count: number): Promise<P4Result> {
  const timeoutMs = Number(process.env.BENCH_TIMEOUT_MINUTES ?? 60) * 60_000;
  console.log(`\n== on the ${temporal} ==`);
  const stand = await startBenchStand('p4', temporal);
  try {
    const h = stand.harness;
    process.env.KATONIC_TASK_QUEUE = h.env.KATONIC_TASK_QUEUE; // where startInstall puts the installs
    const worker = await h.startWorker();
    const pid = worker.process.pid!;
    const rssAtStart = await procStatusMb(pid, 'VmRSS');
    const specs = await Promise.all(Array.from({ length: count }, (_, i) => h.writeSpec(`p4-${i + 1}`).then(loadSpec)));

    let peakLoad = 0;
    const sampler = setInterval(() => (peakLoad = Math.max(peakLoad, loadavg()[0]!)), 5000);
    const t0 = performance.now();
    const started = await Promise.allSettled(specs.map((spec) => startInstall(h.client, spec)));
    const ids = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.id] : []));
    const ended = new Map<string, 'completed' | 'failed'>();
    await Promise.race([
      Promise.all(
        ids.map((id) =>
          h.client.workflow.result(id).then(
            () => ended.set(id, 'completed'),
            () => ended.set(id, 'failed'),
          ),
        ),
      ),
      sleep(timeoutMs, undefined, { ref: false }),
    ]);
    const wallSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const peakRssMb = await procStatusMb(pid, 'VmHWM');

    const completed = ids.filter((id) => ended.get(id) === 'completed');
    const failed = ids.filter((id) => ended.get(id) === 'failed');
    const lost = count - completed.length - failed.length;
    const runs = await Promise.all(completed.map(async (id) => activityRuns(await h.client.workflow.getHandle(id).fetchHistory())));
    const gaps = runs.flatMap((r) => phaseGaps('onprem', r));
    const waits = runs.map((r) => slotWaits('onprem', r));
    /** `goalMs` undefined: no goal (the column says so). */
    const row = (label: string, values: number[], goalMs: number | undefined = GOAL_GAP_P95_MS) => [
      label,
      ...[50, 95, 100].map((p) => `${Math.round(percentile(values, p))} ms`),
      goalMs ? `${(percentile(values, 95) / goalMs).toFixed(2)}x` : 'no goal',
    ];

    console.log(
      `${count} installs started at once on one worker (pid ${pid}); ${(wallSeconds / 60).toFixed(1)} min until the last ended; load average peak ${peakLoad.toFixed(1)}, now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
    );
    console.log(
      `started ${ids.length}, completed ${completed.length}, failed ${failed.length}, lost ${lost} (goal: 0 lost, every one completed)${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
    );
    console.log(
      table([
        [`PHASE TO PHASE (${gaps.length} gaps)`, 'P50', 'P95', 'MAX', `P95 / ${GOAL_GAP_P95_MS} MS GOAL`],
        row(
          'end to next scheduled (hand-over)',
          gaps.map((g) => g.toScheduledMs),
        ),
        row(
          'end to next started (+ slot wait)',
          gaps.map((g) => g.toStartedMs),
        ),
        row(
          '  of the hand-over: workflow task queued',
          gaps.flatMap((g) => g.workflowTaskQueuedMs ?? []),
        ),
        row(
          '  of the hand-over: workflow task run',
          gaps.flatMap((g) => g.workflowTaskRunMs ?? []),
        ),
      ]),
    );
    const lightWaits = waits.flatMap((w) => w.light);
    const ansibleWaits = waits.flatMap((w) => w.ansible);
    console.log(
      table([
        ['WAIT FOR A SLOT (scheduled to started)', 'P50', 'P95', 'MAX', `P95 / ${GOAL_LIGHT_WAIT_P95_MS} MS GOAL`],
        row(`light activities (${lightWaits.length})`, lightWaits, GOAL_LIGHT_WAIT_P95_MS),
        row(`Ansible steps (${ansibleWaits.length}: they queue for the few Ansible slots)`, ansibleWaits, undefined),
      ]),
    );
    console.log(
      `worker peak RSS ${Math.round(peakRssMb)} MB (${Math.round(rssAtStart)} MB when idle): ${(peakRssMb / GOAL_RSS_MB).toFixed(2)}x the goal of < ${GOAL_RSS_MB} MB`,
    );
    const handOverMs = gaps.map((g) => g.toScheduledMs);
    return { temporal, count, completed: completed.length, failed: failed.length, lost, wallSeconds, handOverMs, lightWaits, ansibleWaits, peakRssMb };
  } finally {
    await stand.close();
  }
}
