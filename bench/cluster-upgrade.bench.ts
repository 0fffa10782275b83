// `kinstall upgrade NAME --kube` on 20 stand-in nodes (one control plane and etcd, 19 workers;
// local connection, loopback addresses as the demo's), through the product against bare Kubespray,
// on one dev server and control plane, with one worker process and the real CLI; each cluster
// installed with `kinstall start`.
//   1. A failure on node 15 ("Upgrade the node" fails as often as the activity tries, so the
//      phase waits for an operator), then retried: the upgrade tasks' journal lines on nodes 1-14
//      after the failure, through `kinstall retry <child>`, against bare Kubespray's remedy (the
//      whole playbook again).
//   2. Time, from the Nodes at the same version each run. Bare: the stand-in's upgrade-cluster.yml
//      over every node in one run (no --limit; Kubespray's own batches: the control plane alone,
//      then the workers 20% at a time), with the inventory and extra vars the product renders.
//      Node by node (no delay only): the same playbook with --limit on each node in turn, the
//      product's Ansible without the product. Product: `kinstall upgrade NAME --kube V --wait`,
//      from the CLI's start to its exit, split by its child workflow's history. With
//      standin_delay_seconds 0 (Ansible's and the product's own cost; the failure's cluster,
//      its second upgrade) and with a delay per task and host (BENCH_UPGRADE_DELAY seconds,
//      default 1, set at its install: a cluster keeps its extra vars) so that tasks take time.
// One round each, side by side; nothing asserts a timing.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { fetchStatus } from '../client/install-status.js';
import { upgradeOrder } from '../lib/cluster/kube-upgrade-plan.js';
import { table } from '../lib/format/table.js';
import type { Installation } from '../lib/spec/schema.js';
import { loadDemoSpec, type Harness } from '../test/support/e2e-harness.js';
import { runStandinPlaybook, type StandinRun } from '../test/support/kubespray-standin.js';
import { CLI } from '../test/support/repo.js';
import { activityRuns } from './support/phase-times.js';
import { startBenchStand } from './support/stand.js';

const NODE_COUNT = 20;
const FAILING_NODE = 15;
const INSTALLED = '1.33.7';
// The failure's upgrade, then (no delay) the timed one, a minor version later; the delayed cluster's timed upgrade.
const FIRST_TARGET = '1.34.2';
const SECOND_TARGET = '1.35.4';
// The activity's automatic attempts (ANSIBLE_RETRY): all of them fail, so the phase waits for an operator.
const ACTIVITY_ATTEMPTS = 3;
const UPGRADE_TASK = /^kubespray (Drain the node|Upgrade the control plane|Upgrade the node|Uncordon the node) (\S+)$/;
const RUN_TIMEOUT_MS = 30 * 60_000;

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perNode = (ms: number) => `${(ms / NODE_COUNT / 1000).toFixed(2)} s`;
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;

/** The bench's cluster: 20 nodes at Kubernetes INSTALLED, these extra vars. */
function shapeCluster(spec: Installation, extraVars: Record<string, unknown>): void {
  spec.spec.onprem!.kubeVersion = INSTALLED;
  spec.spec.onprem!.nodes = Array.from({ length: NODE_COUNT }, (_, i) => ({
    name: i === 0 ? 'cp-1' : `worker-${i}`,
    address: `127.0.0.${11 + i}`,
    roles: i === 0 ? ['control-plane', 'etcd'] : ['worker'],
  }));
  spec.spec.extraVars = extraVars;
}

/** The cluster `name` installed through `kinstall start`; its spec. */
async function install(h: Harness, name: string, extraVars: Record<string, unknown>): Promise<Installation> {
  const started = performance.now();
  const r = await h.cli('start', await h.writeSpec(name, (spec) => shapeCluster(spec, extraVars)));
  if (r.exitCode !== 0) throw new Error(`kinstall start ${name} exited ${r.exitCode}: ${r.stderr}`);
  const status = await h.waitFor(name, (st) => st.state !== 'running', RUN_TIMEOUT_MS);
  if (status.state !== 'completed') throw new Error(`install-${name} ended ${status.state}: ${JSON.stringify(status.error)}`);
  console.log(`${name}: installed in ${s(performance.now() - started)}; ${load()}`);
  const spec = await loadDemoSpec();
  spec.metadata.name = name;
  shapeCluster(spec, extraVars);
  return spec;
}

/**
 * Bare Kubespray: the stand-in's upgrade-cluster.yml to `version` on the nodes of `cluster`, with
 * `extraVars`, as an operator runs it by hand (a run directory and counters of its own).
 */
function bareRun(h: Harness, cluster: Installation, version: string, extraVars: Record<string, unknown>, limit?: string[]): Promise<StandinRun> {
  const spec = structuredClone(cluster);
  spec.metadata.name = `${cluster.metadata.name}-bare`;
  spec.spec.onprem!.kubeVersion = version;
  spec.spec.extraVars = extraVars;
  return runStandinPlaybook(spec, h.dataDir, 'upgrade-cluster.yml', { limit });
}

function mustSucceed(run: StandinRun, what: string): number {
  if (run.exitCode !== 0) throw new Error(`${what} exited ${run.exitCode}: ${JSON.stringify(run.failures)}`);
  return run.ms;
}

/** Every Node's kubelet back at `version` (its status, as the stand-in writes it) and schedulable: each upgrade starts from the same cluster. */
async function resetNodes(kc: KubeConfig, version: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const names = (await core.listNode()).items.map((n) => n.metadata!.name!);
  await Promise.all(
    names.map(async (name) => {
      await core.patchNodeStatus({ name, body: [{ op: 'replace', path: '/status/nodeInfo/kubeletVersion', value: `v${version}` }] });
      await core.patchNode({ name, body: [{ op: 'add', path: '/spec/unschedulable', value: false }] });
    }),
  );
  const wrong = (await core.listNode()).items.filter((n) => n.status?.nodeInfo?.kubeletVersion !== `v${version}` || n.spec?.unschedulable);
  if (wrong.length) throw new Error(`Nodes not back at ${version} and schedulable: ${wrong.map((n) => n.metadata!.name).join(', ')}`);
}

const cordoned = async (kc: KubeConfig): Promise<string[]> =>
  (await kc.makeApiClient(CoreV1Api).listNode()).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata!.name!);

interface ProductUpgrade {
  /** From the CLI's start to its exit. */
  ms: number;
  child: string;
  exitCode: number;
}

/** `kinstall upgrade NAME --kube VERSION --wait`: it exits when the operation ends or waits for an operator. */
async function productUpgrade(h: Harness, name: string, version: string): Promise<ProductUpgrade> {
  const started = performance.now();
  const r = await execa('node', [CLI, 'upgrade', name, '--kube', version, '--wait'], { env: h.env, reject: false, timeout: RUN_TIMEOUT_MS });
  const ms = performance.now() - started;
  const child = new RegExp(`cluster-${name}-\\d+-[a-z-]+`).exec(String(r.stdout))?.[0];
  if (!child) throw new Error(`kinstall upgrade ${name} named no operation (exit ${r.exitCode}): ${String(r.stderr)}${String(r.stdout)}`);
  return { ms, child, exitCode: r.exitCode ?? -1 };
}

/** Where a completed upgrade's time went, from its child workflow's history. */
interface UpgradeTimes {
  workflowMs: number;
  /** The upgradeNode activities, scheduled to completed, summed. */
  nodesMs: number;
  /** The drain check's and verify's activities. */
  checksMs: number;
  /** The workflow's time outside its activities: hand-overs from one phase to the next. */
  betweenMs: number;
}

async function upgradeTimes(h: Harness, child: string): Promise<UpgradeTimes> {
  const handle = h.client.workflow.getHandle(child);
  const { startTime, closeTime } = await handle.describe();
  if (!closeTime) throw new Error(`${child} has not ended`);
  const runs = activityRuns(await handle.fetchHistory());
  const took = (activity?: string) =>
    runs.filter((r) => !activity || r.activity === activity).reduce((sum, r) => sum + (r.completedMs ?? r.scheduledMs) - r.scheduledMs, 0);
  const workflowMs = closeTime.getTime() - startTime.getTime();
  const nodesMs = took('upgradeNode');
  return { workflowMs, nodesMs, checksMs: took() - nodesMs, betweenMs: workflowMs - took() };
}

interface TimedUpgrade {
  delay: number;
  from: string;
  to: string;
  bare: number;
  /** upgrade-cluster.yml --limit on each node in turn: the product's Ansible runs without the product. */
  byNode?: number;
  product: ProductUpgrade;
  times: UpgradeTimes;
  /** Journal lines (tasks run) of the product's upgrade, all nodes' runs together. */
  productTasks: number;
}

/** Bare one run, [bare node by node,] the product: each from the Nodes at `from`, to `to`. */
async function timeUpgrades(h: Harness, cluster: Installation, delay: number, from: string, to: string, byNode: boolean): Promise<TimedUpgrade> {
  const name = cluster.metadata.name;
  const vars = { standin_delay_seconds: delay };
  await resetNodes(h.cluster.kc, from);
  const bare = mustSucceed(await bareRun(h, cluster, to, vars), 'bare upgrade-cluster.yml');
  console.log(`${name}: bare upgrade-cluster.yml ${s(bare)}; ${load()}`);
  let nodeByNode: number | undefined;
  if (byNode) {
    await resetNodes(h.cluster.kc, from);
    nodeByNode = 0;
    for (const node of upgradeOrder(cluster.spec.onprem!.nodes))
      nodeByNode += mustSucceed(await bareRun(h, cluster, to, vars, [node]), `upgrade-cluster.yml --limit ${node}`);
    console.log(`${name}: bare node by node ${s(nodeByNode)}; ${load()}`);
  }
  await resetNodes(h.cluster.kc, from);
  const before = (await h.journal(name)).length;
  const product = await productUpgrade(h, name, to);
  if (product.exitCode !== 0) throw new Error(`kinstall upgrade ${name} exited ${product.exitCode}: ${(await fetchStatus(h.client, product.child)).state}`);
  console.log(`${name}: kinstall upgrade --kube ${to} --wait ${s(product.ms)}; ${load()}`);
  const productTasks = (await h.journal(name)).length - before;
  return { delay, from, to, bare, byNode: nodeByNode, product, times: await upgradeTimes(h, product.child), productTasks };
}

interface AfterFailure {
  /** Upgrade-task journal lines after the failure, on nodes 1..FAILING_NODE-1 and on the others. */
  earlier: number;
  rest: number;
  /** Every journal line after the failure on nodes 1..FAILING_NODE-1. */
  allEarlier: number;
  ms: number;
  cordoned: string[];
}

function countAfter(lines: string[], order: string[], ms: number, cordonedNodes: string[]): AfterFailure {
  const earlier = new Set(order.slice(0, FAILING_NODE - 1));
  const upgraded = lines.flatMap((l) => UPGRADE_TASK.exec(l)?.[2] ?? []);
  return {
    earlier: upgraded.filter((host) => earlier.has(host)).length,
    rest: upgraded.filter((host) => !earlier.has(host)).length,
    allEarlier: lines.filter((l) => earlier.has(l.split(' ').at(-1)!)).length,
    ms,
    cordoned: cordonedNodes,
  };
}

/** "Upgrade the node" failing on `failing` `times` times, no delay. */
const failureVars = (failing: string, times: number) => ({ standin_delay_seconds: 0, standin_fail: { task: 'Upgrade the node', host: failing, times } });

/** The product's upgrade to FIRST_TARGET fails on node FAILING_NODE and is retried; bare Kubespray's fails there and is run again. */
async function failureAndRetry(h: Harness, cluster: Installation, failing: string): Promise<{ product: AfterFailure; bare: AfterFailure }> {
  const name = cluster.metadata.name;
  const order = upgradeOrder(cluster.spec.onprem!.nodes);
  const upgrade = await productUpgrade(h, name, FIRST_TARGET);
  const waiting = await fetchStatus(h.client, upgrade.child);
  if (waiting.state !== 'waiting-for-operator' || waiting.phase !== `upgrade-${failing}@${FIRST_TARGET}`)
    throw new Error(`${upgrade.child} should wait for an operator at ${failing}'s phase: ${waiting.state} at ${waiting.phase}`);
  const failedAt = (await h.journal(name)).length;
  const retryStarted = performance.now();
  const retried = await h.cli('retry', upgrade.child);
  if (retried.exitCode !== 0) throw new Error(`kinstall retry ${upgrade.child} exited ${retried.exitCode}: ${retried.stderr}`);
  const done = await h.waitForRun(upgrade.child, (st) => st.state !== 'running', RUN_TIMEOUT_MS);
  if (done.state !== 'completed') throw new Error(`${upgrade.child} ended ${done.state} after its retry: ${JSON.stringify(done.error)}`);
  const product = countAfter((await h.journal(name)).slice(failedAt), order, performance.now() - retryStarted, await cordoned(h.cluster.kc));
  console.log(`${name}: failed at ${failing}, retried through ${upgrade.child}; ${load()}`);

  // Bare Kubespray: the run fails at the node; the operator's remedy is the playbook again, whole.
  await resetNodes(h.cluster.kc, INSTALLED);
  const vars = failureVars(failing, 1);
  const failed = await bareRun(h, cluster, FIRST_TARGET, vars);
  if (failed.exitCode === 0 || !failed.failures.some((f) => f.host === failing)) throw new Error(`bare upgrade-cluster.yml should fail on ${failing}`);
  const again = await bareRun(h, cluster, FIRST_TARGET, vars);
  mustSucceed(again, 'bare upgrade-cluster.yml again');
  const bare = countAfter(
    again.journal.map((l) => `kubespray ${l}`),
    order,
    again.ms,
    await cordoned(h.cluster.kc),
  );
  console.log(`${name}: bare upgrade-cluster.yml failed at ${failing} and ran again; ${load()}`);
  return { product, bare };
}

function printTimes(timed: TimedUpgrade[]): void {
  console.log(
    table([
      [
        'STANDIN DELAY',
        'UPGRADE',
        'BARE, ONE RUN',
        'BARE, NODE BY NODE',
        'PRODUCT (kinstall upgrade --wait)',
        'PRODUCT / BARE (goal <= 1.05x)',
        'PER NODE OVER BARE',
      ],
      ...timed.map((t) => [
        t.delay ? `${t.delay} s a task and host (tasks take time)` : '0 (pure overhead)',
        `${t.from} to ${t.to}`,
        s(t.bare),
        t.byNode === undefined ? '-' : `${s(t.byNode)} (${(t.byNode / t.bare).toFixed(2)}x)`,
        t.byNode === undefined ? s(t.product.ms) : `${s(t.product.ms)} (${(t.product.ms / t.byNode).toFixed(2)}x node by node)`,
        `${(t.product.ms / t.bare).toFixed(2)}x`,
        perNode(t.product.ms - t.bare),
      ]),
    ]),
  );
  console.log('\nwhere the product run went (from the CLI and the child workflow history):');
  console.log(
    table([
      [
        'STANDIN DELAY',
        'CLI AND ENTITY (start-up, update, --wait polling)',
        'DRAIN CHECK + VERIFY',
        'BETWEEN PHASES (WORKFLOW)',
        'NODE RUNS (upgradeNode)',
        'TASKS RUN',
      ],
      ...timed.map((t) => [
        `${t.delay} s`,
        s(t.product.ms - t.times.workflowMs),
        s(t.times.checksMs),
        `${s(t.times.betweenMs)} (${perNode(t.times.betweenMs)} a node)`,
        `${s(t.times.nodesMs)} (${perNode(t.times.nodesMs)} a node${t.byNode === undefined ? '' : `; Ansible alone ${perNode(t.byNode)}`})`,
        `${t.productTasks} (${(t.productTasks / NODE_COUNT).toFixed(1)} a node run, 3 of them its upgrade)`,
      ]),
    ]),
  );
  const [still, delayed] = timed;
  if (!still || !delayed?.delay) return;
  // What the delay added to each is the time its tasks spend in series: the ratio as tasks grow long.
  const [product, bare] = [(delayed.product.ms - still.product.ms) / delayed.delay, (delayed.bare - still.bare) / delayed.delay];
  console.log(
    `\ntasks run one after another (what the delay added / the delay): product ${(product / 1000).toFixed(0)}, bare ${(bare / 1000).toFixed(0)}; product / bare tends to ${(product / bare).toFixed(2)}x as tasks grow long`,
  );
}

function printRetry(failing: string, { product, bare }: { product: AfterFailure; bare: AfterFailure }): void {
  console.log(`\nafter "Upgrade the node" failed on node ${FAILING_NODE} (${failing}), ${INSTALLED} to ${FIRST_TARGET}, no delay:`);
  const last = FAILING_NODE - 1;
  console.log(
    table([
      ['', 'PRODUCT (kinstall retry <child>)', 'BARE (upgrade-cluster.yml again)'],
      [`upgrade-task lines on nodes 1-${last} (goal 0)`, String(product.earlier), String(bare.earlier)],
      [`every journal line on nodes 1-${last}`, String(product.allEarlier), String(bare.allEarlier)],
      [`upgrade-task lines on nodes ${FAILING_NODE}-${NODE_COUNT}`, String(product.rest), String(bare.rest)],
      ['from the retry to the upgrade done', s(product.ms), s(bare.ms)],
      ['nodes left cordoned', product.cordoned.join(', ') || 'none', bare.cordoned.join(', ') || 'none'],
    ]),
  );
}

export default async function bench(): Promise<void> {
  const delay = Number(process.env.BENCH_UPGRADE_DELAY ?? 1);
  const started = performance.now();
  const stand = await startBenchStand('cluster-upgrade');
  try {
    const h = stand.harness;
    await h.startWorker();
    // One cluster for the failure (its first upgrade) and the timing without delay (its second, the failure's counts used up).
    const probe = await loadDemoSpec();
    shapeCluster(probe, {});
    const failing = upgradeOrder(probe.spec.onprem!.nodes)[FAILING_NODE - 1]!;
    const failingCluster = await install(h, 'upgrade-nodelay', failureVars(failing, ACTIVITY_ATTEMPTS));
    const retry = await failureAndRetry(h, failingCluster, failing);
    const still = await timeUpgrades(h, failingCluster, 0, FIRST_TARGET, SECOND_TARGET, true);
    const delayedCluster = await install(h, 'upgrade-delay', { standin_delay_seconds: delay });
    const delayed = await timeUpgrades(h, delayedCluster, delay, INSTALLED, FIRST_TARGET, false);

    console.log(`\n${NODE_COUNT} stand-in nodes (1 control plane + etcd, ${NODE_COUNT - 1} workers), one round each; ${load()}`);
    printTimes([still, delayed]);
    printRetry(failing, retry);
    console.log(`\nthe bench took ${s(performance.now() - started)}`);
  } finally {
    await stand.close();
  }
}
