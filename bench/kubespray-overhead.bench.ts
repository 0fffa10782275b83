// P1: one kubespray phase through the product against bare ansible-playbook, on the stand-in
// Kubespray's cluster.yml made to print about 20,000 events (standin_repeat) on the demo's three
// nodes, and the event reader alone (bench/event-reader.bench.ts). Goals: <= 1.02x; >= 50,000/s.
//   bare: ansible-playbook with the command line, environment, inventory and extra vars the
//     product's kubespray phase gives it (rendered and built by the product's own code), but
//     with Ansible's own stdout callback instead of the product's event callback, its output to a
//     file and nothing reading it: what an operator would run by hand.
//   product: an install on a real worker and dev server; the phase's time is its activity's,
//     from scheduled to completed in the workflow history: dispatch to the worker, the phase's
//     files rendered, the callback's JSON events read and kept, heartbeats, admin.conf sealed.
// Interleaved (bare, product, bare, product, ...), BENCH_ROUNDS rounds (default 3), so that a
// change in the machine's load hits both; medians and their ratio.
import { mkdir, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { playbookCommand } from '../activities/ansible/playbook-command.js';
import { writeFilesAtomically } from '../activities/write-files.js';
import { parseEventLine } from '../lib/ansible/events.js';
import { table } from '../lib/format/table.js';
import { renderExtraVars, renderInventoryFiles } from '../lib/inventory/render.js';
import { runLayout } from '../lib/run-layout.js';
import type { Installation } from '../lib/spec/schema.js';
import { loadDemoSpec, type Harness } from '../test/support/e2e-harness.js';
import { describeReaderSpeed, measureEventReader } from './event-reader.bench.js';
import { activityDurationMs, activityRuns } from './support/phase-times.js';
import { startBenchStand } from './support/stand.js';
import { median } from './support/statistics.js';

// Each repeat is a task_start and a runner_ok per node (3); the rest of cluster.yml adds about 40.
const REPEATS = 4_990;
const GOAL_RATIO = 1.02;
// The product's event callback; bare ansible-playbook prints with Ansible's own.
const EVENT_CALLBACK_ENV = ['ANSIBLE_STDOUT_CALLBACK', 'ANSIBLE_CALLBACK_PLUGINS'];

/** The demo install, its kubespray phase printing many events; it stops at a gate after that phase. */
function shape(spec: Installation): void {
  spec.spec.extraVars = { standin_delay_seconds: 0, standin_repeat: REPEATS };
  spec.spec.approvals = ['before-storage'];
}

/** Bare ansible-playbook on the files the product renders for the phase; its time in ms. */
async function bareRun(dataDir: string, name: string): Promise<number> {
  const spec = await loadDemoSpec();
  spec.metadata.name = name;
  shape(spec);
  const layout = runLayout(dataDir, name);
  const phaseDir = layout.phaseDir('kubespray');
  await writeFilesAtomically(new Map([...renderInventoryFiles(spec, layout), [layout.extraVarsFile('kubespray'), renderExtraVars(spec, layout, 'kubespray')]]));
  await mkdir(join(phaseDir, 'tmp'), { recursive: true });
  const kubespray = spec.spec.onprem!.kubespray.dir;
  const { file, args, env } = playbookCommand({
    phaseDir,
    playbook: join(kubespray, 'cluster.yml'),
    inventory: layout.hostsFile,
    extraVarsFiles: [layout.extraVarsFile('kubespray')],
  });
  const output = join(phaseDir, 'ansible-output.log');
  const started = performance.now();
  const result = await execa(file, args, {
    cwd: kubespray,
    env: Object.fromEntries(Object.entries(env).filter(([key]) => !EVENT_CALLBACK_ENV.includes(key))),
    stdin: 'ignore',
    stdout: { file: output },
    stderr: { file: output },
    reject: false,
  });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`bare ansible-playbook exited ${result.exitCode}; see ${output}`);
  return ms;
}

/** The product's kubespray phase (scheduled to completed, from the history) in ms, and the events it read. */
async function productRun(h: Harness, name: string): Promise<{ ms: number; events: number }> {
  const file = await h.writeSpec(name, shape);
  const started = await h.cli('start', file);
  if (started.exitCode !== 0) throw new Error(`kinstall start failed: ${started.stderr}`);
  const status = await h.waitFor(name, (s) => s.state !== 'running', 30 * 60_000);
  if (status.waitingFor !== 'before-storage')
    throw new Error(`install-${name} did not stop at the gate after kubespray: ${status.state} ${JSON.stringify(status.error)}`);
  const handle = h.client.workflow.getHandle(`install-${name}`);
  const ms = activityDurationMs(activityRuns(await handle.fetchHistory()), 'runKubespray');
  await handle.terminate('benchmark: only the kubespray phase is measured');
  const lines = (await readFile(join(h.dataDir, 'runs', name, 'kubespray', 'events-attempt-1.jsonl'), 'utf8')).split('\n');
  if (ms === undefined) throw new Error(`install-${name}: no completed runKubespray in its history`);
  return { ms, events: lines.filter((l) => parseEventLine(l)).length };
}

export default async function bench(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  console.log(describeReaderSpeed(await measureEventReader()));
  const stand = await startBenchStand('p1');
  const bare: number[] = [];
  const product: number[] = [];
  try {
    const h = stand.harness;
    await h.startWorker();
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    for (let round = 1; round <= rounds; round++) {
      bare.push(await bareRun(h.dataDir, `bare-${round}`));
      const run = await productRun(h, `product-${round}`);
      product.push(run.ms);
      console.log(
        `round ${round}: bare ${s(bare.at(-1)!)}, product ${s(run.ms)} (${(run.ms / bare.at(-1)!).toFixed(3)}x), ${run.events.toLocaleString('en')} events read; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
      );
    }
    const ratio = median(product) / median(bare);
    console.log(
      table([
        ['KUBESPRAY PHASE', `MEDIAN OF ${rounds}`, 'RUNS'],
        ['bare ansible-playbook', s(median(bare)), bare.map(s).join(', ')],
        ['through the product', s(median(product)), product.map(s).join(', ')],
        [`product / bare (goal <= ${GOAL_RATIO}x)`, `${ratio.toFixed(3)}x`, ratio <= GOAL_RATIO ? 'met' : 'NOT met'],
      ]),
    );
  } finally {
    await stand.close();
  }
}
