// The Kubespray stand-in's day-2 playbooks (playbooks/facts.yml, scale.yml, upgrade-cluster.yml,
// remove-node.yml, reset.yml): real ansible-playbook runs, with the command line, inventory and
// extra vars the product renders, against a real control plane of this file's own (its Nodes
// are created, cordoned and deleted: no other file's installs should see that). The tests run
// in order on one cluster: cp-1 and worker-1 built by cluster.yml, worker-2 and worker-3 added,
// everything upgraded, two nodes removed, the rest reset.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../client/dev/control-plane/control-plane.js';
import type { Installation, NodeSpec } from '../lib/spec/schema.js';
import { loadDemoSpec } from './support/e2e-harness.js';
import { runStandinPlaybook, type StandinRun, type StandinRunOptions } from './support/kubespray-standin.js';

const NAME = 'day2';
const BUILT = '1.33.7';
const NODES: NodeSpec[] = [
  { name: 'cp-1', address: '127.0.0.11', roles: ['control-plane', 'etcd'] },
  { name: 'worker-1', address: '127.0.0.12', roles: ['worker'] },
  { name: 'worker-2', address: '127.0.0.13', roles: ['worker'] },
  { name: 'worker-3', address: '127.0.0.14', roles: ['worker'] },
];
const ALL = NODES.map((n) => n.name);
// The labels a kubelet gives its Node; kubeadm adds the control plane's.
const kubeletLabels = (name: string) => ({
  'kubernetes.io/hostname': name,
  'kubernetes.io/os': 'linux',
  'kubernetes.io/arch': 'amd64',
  'beta.kubernetes.io/os': 'linux',
  'beta.kubernetes.io/arch': 'amd64',
});

let dataDir: string;
let plane: ControlPlane;
let core: CoreV1Api;
let demo: Installation;

interface RunOptions extends StandinRunOptions {
  /** The inventory's nodes (default: all four). */
  nodes?: NodeSpec[];
  /** spec.onprem.kubeVersion, which the product writes as kube_version. */
  kubeVersion?: string;
}

/** One run of a stand-in playbook on this file's install, as the product runs Kubespray. */
async function ansible(playbook: string, opts: RunOptions = {}): Promise<StandinRun> {
  const spec = structuredClone(demo);
  spec.metadata.name = NAME;
  spec.spec.onprem!.nodes = opts.nodes ?? NODES;
  spec.spec.onprem!.kubeVersion = opts.kubeVersion ?? BUILT;
  spec.spec.extraVars = { standin_delay_seconds: 0 };
  return runStandinPlaybook(spec, dataDir, playbook, opts);
}

/** The tasks a run journalled for `host`, in order. */
const tasksOn = (run: StandinRun, host: string) => run.journal.filter((l) => l.endsWith(` ${host}`)).map((l) => l.slice(0, -host.length - 1));
const hostsIn = (run: StandinRun) => [...new Set(run.journal.map((l) => l.split(' ').at(-1)!))].sort();

async function nodes(): Promise<Map<string, V1Node>> {
  const list = await core.listNode();
  return new Map(list.items.map((n) => [n.metadata!.name!, n]));
}

async function kubeletVersions(): Promise<Record<string, string | undefined>> {
  const found = await nodes();
  return Object.fromEntries([...found].map(([name, n]) => [name, n.status?.nodeInfo?.kubeletVersion]));
}

const ready = (n: V1Node) => Boolean(n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

async function waitUntilReady(names: string[]): Promise<Map<string, V1Node>> {
  for (let deadline = Date.now() + 20_000; ; await sleep(250)) {
    const found = await nodes();
    if (names.every((name) => found.has(name) && ready(found.get(name)!))) return found;
    if (Date.now() > deadline)
      throw new Error(`nodes ${names.join(', ')} not all Ready in 20 s: ${[...found.keys()].filter((k) => ready(found.get(k)!)).join(', ')} are`);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'katonic-day2-'));
  // Where the stand-in finds the cluster it "built": <katonic_data_dir>/control-plane/admin.conf.
  [plane, demo] = await Promise.all([startControlPlane({ dir: join(dataDir, 'control-plane') }), loadDemoSpec()]);
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  const built = await ansible('cluster.yml', { nodes: NODES.slice(0, 2) });
  if (built.exitCode !== 0) throw new Error(`cluster.yml failed: ${JSON.stringify(built.failures)}`);
});
afterAll(() => plane?.stop());

describe('Kubespray stand-in, day 2: each playbook on a real control plane (real ansible-playbook, as the product runs it)', () => {
  it('playbooks/facts.yml checks the inventory and gathers the facts of every node, as Kubespray asks before a run with --limit', async () => {
    const run = await ansible('playbooks/facts.yml');
    expect(run.exitCode).toBe(0);
    for (const host of ALL) expect(tasksOn(run, host)).toEqual(['Check the inventory', 'Gather facts']);
    expect(run.journal).toHaveLength(2 * ALL.length);
  });

  it('scale.yml --limit worker-2,worker-3 registers the two new workers, Ready, with the kubelet labels and no taint; the others are not touched', async () => {
    const run = await ansible('scale.yml', { limit: ['worker-2', 'worker-3'] });
    expect([run.exitCode, run.failures]).toEqual([0, []]);
    expect(hostsIn(run)).toEqual(['worker-2', 'worker-3']);
    for (const host of ['worker-2', 'worker-3'])
      expect(tasksOn(run, host)).toEqual([
        'Check the inventory',
        'Gather facts',
        'Prepare the hosts',
        'Download container images',
        'Install the container runtime',
        'Join the worker nodes',
        'Register the nodes',
        'Install the network plugin',
      ]);
    const found = await waitUntilReady(ALL);
    for (const name of ['worker-1', 'worker-2', 'worker-3']) {
      const node = found.get(name)!;
      expect(node.metadata?.labels).toEqual(kubeletLabels(name));
      expect(node.spec?.taints ?? []).toEqual([]);
      expect(node.status?.nodeInfo?.kubeletVersion).toBe(`v${BUILT}`);
    }
    expect(found.get('worker-3')!.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.14' });
    // The control plane, as cluster.yml registered it: kubeadm's labels and taint.
    const cp = found.get('cp-1')!;
    expect(cp.metadata?.labels).toEqual({
      ...kubeletLabels('cp-1'),
      'node-role.kubernetes.io/control-plane': '',
      'node.kubernetes.io/exclude-from-external-load-balancers': '',
    });
    expect(cp.spec?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('upgrade-cluster.yml --limit worker-1 upgrades worker-1 alone: drained, upgraded (its kubelet reports the new version), uncordoned', async () => {
    const run = await ansible('upgrade-cluster.yml', { kubeVersion: '1.34.3', limit: ['worker-1'] });
    expect([run.exitCode, run.failures]).toEqual([0, []]);
    expect(hostsIn(run)).toEqual(['worker-1']);
    expect(tasksOn(run, 'worker-1')).toEqual([
      'Check the inventory',
      'Gather facts',
      'Prepare the hosts',
      'Download container images',
      'Upgrade the network plugin',
      'Drain the node',
      'Upgrade the node',
      'Uncordon the node',
    ]);
    expect(await kubeletVersions()).toEqual({ 'cp-1': 'v1.33.7', 'worker-1': 'v1.34.3', 'worker-2': 'v1.33.7', 'worker-3': 'v1.33.7' });
    expect((await nodes()).get('worker-1')!.spec?.unschedulable).toBeFalsy();
  });

  it('upgrade-cluster.yml refuses a kube_version the checkout has no checksums for, as cluster.yml does, before any node is touched', async () => {
    const run = await ansible('upgrade-cluster.yml', { kubeVersion: '1.36.0' });
    expect(run.exitCode).not.toBe(0);
    expect(run.failures).toEqual([
      expect.objectContaining({
        task: 'Check the Kubernetes version',
        msg: 'Kubernetes v1.36.0 is not supported for amd64. Please check roles/kubespray_defaults/vars/main/checksums.yml for supported versions.',
      }),
    ]);
    expect(new Set(run.journal.map((l) => l.replace(/ \S+$/, '')))).toEqual(new Set(['Check the inventory']));
    expect(await kubeletVersions()).toEqual({ 'cp-1': 'v1.33.7', 'worker-1': 'v1.34.3', 'worker-2': 'v1.33.7', 'worker-3': 'v1.33.7' });
  });

  it('a full upgrade-cluster.yml failing on the third node stops there: the first two upgraded, the third cordoned at its old version, the fourth untouched', async () => {
    const run = await ansible('upgrade-cluster.yml', {
      kubeVersion: '1.34.7',
      vars: { standin_fail: { phase: 'kubespray', task: 'Upgrade the node', host: 'worker-2', times: 1 } },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.failures).toEqual([
      { task: 'Upgrade the node', host: 'worker-2', msg: 'standin: injected failure 1 of 1 for task Upgrade the node on host worker-2' },
    ]);
    expect(await kubeletVersions()).toEqual({ 'cp-1': 'v1.34.7', 'worker-1': 'v1.34.7', 'worker-2': 'v1.33.7', 'worker-3': 'v1.33.7' });
    expect(tasksOn(run, 'worker-3')).not.toContain('Drain the node');
    // Kubespray's pre-upgrade cordoned it; nothing uncordons a node whose upgrade failed.
    const found = await nodes();
    expect(['cp-1', 'worker-1', 'worker-2', 'worker-3'].map((n) => Boolean(found.get(n)!.spec?.unschedulable))).toEqual([false, false, true, false]);
  });

  it('the full upgrade-cluster.yml run again: the control plane first, then one node at a time, each upgraded before the next is drained', async () => {
    const run = await ansible('upgrade-cluster.yml', { kubeVersion: '1.34.7' });
    expect([run.exitCode, run.failures]).toEqual([0, []]);
    const turns = new Set(['Drain the node', 'Upgrade the control plane', 'Upgrade the node', 'Uncordon the node']);
    expect(run.journal.filter((l) => turns.has(l.replace(/ \S+$/, '')))).toEqual([
      'Drain the node cp-1',
      'Upgrade the control plane cp-1',
      'Uncordon the node cp-1',
      ...['worker-1', 'worker-2', 'worker-3'].flatMap((w) => [`Drain the node ${w}`, `Upgrade the node ${w}`, `Uncordon the node ${w}`]),
    ]);
    expect(await kubeletVersions()).toEqual({ 'cp-1': 'v1.34.7', 'worker-1': 'v1.34.7', 'worker-2': 'v1.34.7', 'worker-3': 'v1.34.7' });
    // As Kubespray: a node found cordoned is not cordoned by this run, so not uncordoned by it either.
    const found = await nodes();
    expect(['cp-1', 'worker-1', 'worker-2', 'worker-3'].map((n) => Boolean(found.get(n)!.spec?.unschedulable))).toEqual([false, false, true, false]);
  });

  it('remove-node.yml refuses to run without `node`, and without skip_confirmation (no terminal to confirm on), as Kubespray', async () => {
    const unnamed = await ansible('remove-node.yml', { vars: { skip_confirmation: true } });
    expect(unnamed.exitCode).not.toBe(0);
    expect(unnamed.failures).toEqual([
      {
        task: 'Assert that nodes are specified for removal',
        host: 'localhost',
        msg: 'No nodes specified for removal. The `node` variable must be set explicitly.',
      },
    ]);
    expect(unnamed.journal).toEqual([]);
    const unconfirmed = await ansible('remove-node.yml', { vars: { node: 'worker-3' } });
    expect(unconfirmed.exitCode).not.toBe(0);
    expect(unconfirmed.failures).toEqual([{ task: 'Fail if user does not confirm deletion', host: 'worker-3', msg: 'Delete nodes confirmation failed' }]);
    expect([...(await nodes()).keys()].sort()).toEqual(ALL);
  });

  it('remove-node.yml -e node=worker-2,worker-3 -e skip_confirmation=true drains, resets and deletes those two Nodes', async () => {
    const run = await ansible('remove-node.yml', { vars: { node: 'worker-2,worker-3', skip_confirmation: true } });
    expect([run.exitCode, run.failures]).toEqual([0, []]);
    for (const host of ['worker-2', 'worker-3'])
      expect(tasksOn(run, host)).toEqual(['Check the inventory', 'Gather facts', 'Drain the node', 'Reset the node', 'Remove the node from the cluster']);
    for (const host of ['cp-1', 'worker-1']) expect(tasksOn(run, host)).toEqual(['Check the inventory', 'Gather facts']);
    expect([...(await nodes()).keys()].sort()).toEqual(['cp-1', 'worker-1']);
  });

  it('reset.yml fails with skip_confirmation alone, as Kubespray (it wants reset_confirmation); with reset_confirmation=yes each host deletes its Node', async () => {
    const unconfirmed = await ansible('reset.yml', { vars: { skip_confirmation: true } });
    expect(unconfirmed.exitCode).not.toBe(0);
    expect(new Set(unconfirmed.failures.map((f) => `${f.task}: ${f.msg}`))).toEqual(new Set(['Check confirmation: Reset confirmation failed']));
    expect(tasksOn(unconfirmed, 'cp-1')).toEqual(['Check the inventory', 'Gather facts']);
    expect([...(await nodes()).keys()].sort()).toEqual(['cp-1', 'worker-1']);

    const run = await ansible('reset.yml', { vars: { reset_confirmation: 'yes' } });
    expect([run.exitCode, run.failures]).toEqual([0, []]);
    // worker-2 and worker-3, removed already, are still in the inventory: their Nodes are gone, which is no error.
    for (const host of ALL) expect(tasksOn(run, host)).toEqual(['Check the inventory', 'Gather facts', 'Reset the nodes']);
    expect((await nodes()).size).toBe(0);
  });
});
