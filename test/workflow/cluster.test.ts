// The cluster entity (workflows/cluster.ts) on the time-skipping server with scripted phase
// activities: Update-with-Start of its install, operations one at a time, the validators'
// refusals, the per-node checkpoints of an upgrade, and a managed cluster's limits.
import { clusterStatus, installThroughCluster } from '../../client/api/clusters.js';
import type { ClusterStatus } from '../../lib/cluster/cluster-status.js';
import type { OperationRequest } from '../../lib/cluster/cluster-entity.js';
import { entityWhere as entityOn, installedCluster, operate as operateOn } from '../support/cluster-actions.js';
import { STANDIN_KUBESPRAY } from '../support/repo.js';
import { fail, times } from '../support/fake-activities.js';
import { APPROVER, ending, retry, start, STARTER, status } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { aksSpec, onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

const operate = (name: string, request: OperationRequest) => operateOn(t, name, request);
const entityWhere = (name: string, until: (s: ClusterStatus) => boolean) => entityOn(t, name, until);
const installed = (name: string) => installedCluster(t, name);

describe('the cluster entity (time-skipping server, scripted activities)', () => {
  it('Update-with-Start: the first install creates the entity and its install child (install-<name>); a second install is refused, naming the state', async () => {
    const spec = onpremSpec('entity-a', (s) => (s.spec.onprem!.kubespray.dir = STANDIN_KUBESPRAY));
    const first = await installThroughCluster(t.client, spec, { by: STARTER });
    expect(first).toEqual({ id: 'install-entity-a', started: true, cluster: 'cluster-entity-a' });
    expect((await ending(t.client, 'install-entity-a')).state).toBe('completed');
    const s = await entityWhere('entity-a', (c) => c.state === 'ready');
    expect(s.versions).toEqual({ kubernetes: '1.33.7', katonic: spec.spec.katonic.version, kubesprayDir: STANDIN_KUBESPRAY });
    expect(s.nodes.map((n) => n.name)).toEqual(['master-1', 'master-2', 'master-3', 'worker-1', 'worker-2']);
    expect(s.log).toMatchObject([{ seq: 1, kind: 'install', outcome: 'completed', workflowId: 'install-entity-a', by: STARTER }]);
    expect(s.lastApplied.kubespray).toMatch(/^[0-9a-f]{16}$/);
    expect(t.fakes.schedules).toContain('create entity-a');
    // A redelivered ticket: answered, nothing started; the CLI's start: refused with the reason.
    expect(await installThroughCluster(t.client, spec, { existing: 'answer' })).toMatchObject({ started: false });
    await expect(installThroughCluster(t.client, spec)).rejects.toThrow('install refused: entity-a is installed already (state ready)');
    expect(t.fakes.activitiesRun('entity-a').filter((a) => a === 'runKubespray')).toHaveLength(1);
  });

  it('two operations sent at once: one runs, the other is refused naming it; never both', async () => {
    await installed('entity-b');
    t.fakes.script('entity-b', { drainNode: [fail({ type: 'DrainBlocked', nonRetryable: true })] });
    const [a, b] = await Promise.all([
      operate('entity-b', { kind: 'remove-node', node: 'worker-1' }),
      operate('entity-b', { kind: 'upgrade-katonic', version: '9.9' }),
    ]);
    const accepted = [a, b].filter((x) => x.done);
    const refused = [a, b].filter((x): x is { done: false; refused: string } => !x.done);
    expect(accepted).toHaveLength(1);
    expect(refused[0]?.refused).toMatch(/entity-b runs one operation at a time: .* is running; wait for it, or cancel it/);
    const s = await clusterStatus(t.client, 'entity-b');
    expect(s.log.filter((r) => r.outcome === 'running')).toHaveLength(1);
  });

  it('remove-node that would leave two etcd members is refused by the validator: no child workflow, nothing run', async () => {
    await installed('entity-c');
    const before = t.fakes.calls('entity-c').length;
    const answer = await operate('entity-c', { kind: 'remove-node', node: 'master-2' });
    expect(answer.done).toBe(false);
    expect(!answer.done && answer.refused).toMatch(/etcd/);
    expect(t.fakes.calls('entity-c')).toHaveLength(before);
    expect((await clusterStatus(t.client, 'entity-c')).log.map((r) => r.kind)).toEqual(['install']);
  });

  it('an upgrade failing on node 3 of 5, then retried: nodes 1 and 2 are not upgraded again; the entity records the new version', async () => {
    await installed('entity-d');
    t.fakes.script('entity-d', { upgradeNode: [{ kind: 'succeed', summary: 'ok' }, { kind: 'succeed', summary: 'ok' }, ...times(3, fail())] });
    const answer = await operate('entity-d', { kind: 'upgrade-kube', version: '1.34.2' });
    expect(answer.done && answer.value.description).toBe('upgrade --kube 1.34.2');
    const id = answer.done ? answer.value.workflowId! : '';
    const waiting = await t.waitForStatus(id, (s) => s.state === 'waiting-for-operator');
    expect(waiting.phase).toBe('upgrade-master-3@1.34.2');
    expect((await retry(t.client, id, { by: APPROVER })).done).toBe(true);
    expect((await ending(t.client, id)).state).toBe('completed');
    const upgraded = t.fakes
      .calls('entity-d')
      .filter((c) => c.activity === 'upgradeNode')
      .map((c) => c.limitHosts?.join(','));
    expect(upgraded).toEqual(['master-1', 'master-2', 'master-3', 'master-3', 'master-3', 'master-3', 'worker-1', 'worker-2']);
    const s = await entityWhere('entity-d', (c) => c.state === 'ready');
    expect(s.versions.kubernetes).toBe('1.34.2');
    expect((await status(t.client, id)).phases.map((p) => p.name)).toEqual([
      'drain-check',
      'facts',
      'upgrade-master-1@1.34.2',
      'upgrade-master-2@1.34.2',
      'upgrade-master-3@1.34.2',
      'upgrade-worker-1@1.34.2',
      'upgrade-worker-2@1.34.2',
      'verify',
    ]);
  });

  it('a managed cluster: scale and Kubernetes upgrades are refused as the cloud`s; upgrade --katonic waits for its approval, said on the ticket', async () => {
    const spec = aksSpec('entity-e', (s) => {
      s.metadata.ticket = 'OPS-8';
      s.spec.notify = { jira: { url: 'https://acme.atlassian.net', user: 'bot@acme.com', tokenRef: 'env:KATONIC_TEST_JIRA_TOKEN' } };
    });
    process.env.KATONIC_TEST_JIRA_TOKEN = 'a-token';
    await installThroughCluster(t.client, spec, { by: STARTER });
    await entityWhere('entity-e', (c) => c.state === 'ready');
    const scale = await operate('entity-e', { kind: 'upgrade-kube', version: '1.34.2' });
    expect(!scale.done && scale.refused).toMatch(/upgrade-kube on entity-e \(aks\): the cloud provider upgrades Kubernetes/);
    const katonic = await operate('entity-e', { kind: 'upgrade-katonic', version: '9.1' });
    const id = katonic.done ? katonic.value.workflowId! : '';
    expect((await t.waitForStatus(id, (s) => s.state === 'waiting-for-approval')).waitingFor).toBe('before-katonic');
    // The operation's notes go on the cluster's ticket, as the install's did.
    expect(t.fakes.comments).toEqual(expect.arrayContaining(['install-entity-e started', 'install-entity-e ended', `${id} started`]));
  });

  it('an install started outside an entity (the Web UI, a resume) is adopted by its cluster as it completes: the entity is created, ready, with its phases', async () => {
    const spec = onpremSpec('entity-g', (s) => (s.spec.onprem!.kubespray.dir = STANDIN_KUBESPRAY));
    const id = await start(t.client, spec);
    const done = await ending(t.client, id);
    expect(done.state === 'completed' && done.status.notes?.map((n) => n.message)).toEqual(['adopted by cluster-entity-g (operation 1)']);
    const s = await clusterStatus(t.client, 'entity-g');
    expect(s).toMatchObject({
      state: 'ready',
      versions: { kubernetes: '1.33.7' },
      log: [{ seq: 1, kind: 'adopt', description: 'adopt install-entity-g', by: STARTER }],
    });
    expect(s.handoffs?.adminConf).toBeDefined();
    // Adopted once: the entity now refuses a second adoption or install, naming why.
    await expect(installThroughCluster(t.client, spec)).rejects.toThrow('install refused: entity-g is installed already (state ready)');
  });
});
