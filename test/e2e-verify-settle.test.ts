// verify on a cluster that does not settle, on a real kube-apiserver of this test's own: a
// ResourceQuota lets no pod start in the storage namespace, so the provisioners never become
// Available. verify waits through its settle window, then names the Deployment and why.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('settle', { ownControlPlane: true });
  await h.startWorker();
});
afterAll(() => h?.close());

const SETTLE_SECONDS = 15;

describe('verify waits for a settling cluster (own real kube-apiserver, kwok nodes, stand-in Kubespray and Katonic role)', () => {
  it('reports the Deployment that is not Available with its conditions after the settle window, and completes once the cause is gone', async () => {
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'katonic-storage' } } });
    await core.createNamespacedResourceQuota({ namespace: 'katonic-storage', body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } } });

    const file = await h.writeSpec('settle', (spec) => {
      singleNode(spec);
      spec.spec.verify = { settleTimeout: `${SETTLE_SECONDS}s` };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    // While it waits, the status shows what verify is waiting for (from its heartbeat).
    const waiting = await h.waitFor('settle', (s) => s.phase === 'verify' && Boolean(s.phases.find((p) => p.name === 'verify')?.task));
    expect(waiting.phases.find((p) => p.name === 'verify')?.task).toMatch(
      /^waiting for the cluster to settle: Deployment katonic-storage\/nfs-provisioner is not Available/,
    );

    const stuck = await h.waitFor('settle', (s) => s.state === 'waiting-for-operator');
    const verify = stuck.phases.find((p) => p.name === 'verify')!;
    expect(verify).toMatchObject({ state: 'failed', attempts: 1 });
    expect(Date.parse(verify.endedAt!) - Date.parse(verify.startedAt!)).toBeGreaterThanOrEqual(SETTLE_SECONDS * 1000);
    expect(stuck.error?.type).toBe('VerifyFailed');
    expect(stuck.error?.message).toContain(`verify: after ${SETTLE_SECONDS} s:`);
    expect(stuck.error?.message).toMatch(
      /Deployment katonic-storage\/nfs-provisioner is not Available \(0 of 1 replicas available\): Available=False MinimumReplicasUnavailable: [^;]*; ReplicaFailure=True FailedCreate: pods "nfs-provisioner-[a-z0-9-]+" is forbidden: exceeded quota: no-pods/,
    );
    expect(stuck.error?.message).toContain('Deployment katonic-storage/local-path-provisioner is not Available');

    await core.deleteNamespacedResourceQuota({ name: 'no-pods', namespace: 'katonic-storage' });
    // Then, as an operator does (`kubectl rollout restart`): the ReplicaSet controller backs off
    // between failed pod creations, to minutes after minutes of failing (on a loaded machine the
    // retry's 15 s window could end before its next try), and a new ReplicaSet tries at once.
    const apps = h.cluster.kc.makeApiClient(AppsV1Api);
    for (const d of (await apps.listNamespacedDeployment({ namespace: 'katonic-storage' })).items) {
      const at = new Date().toISOString();
      const restartedAt = d.spec?.template.metadata?.annotations
        ? { op: 'add', path: '/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt', value: at }
        : { op: 'add', path: '/spec/template/metadata/annotations', value: { 'kubectl.kubernetes.io/restartedAt': at } };
      await apps.patchNamespacedDeployment({ name: d.metadata!.name!, namespace: 'katonic-storage', body: [restartedAt] });
    }
    expect((await h.cli('retry', 'install-settle')).exitCode).toBe(0);
    const done = await h.waitFor('settle', (s) => s.state === 'completed');
    expect(done.phases.find((p) => p.name === 'verify')).toMatchObject({ state: 'completed', attempts: 2 });
    expect((await apps.readNamespacedDeployment({ name: 'nfs-provisioner', namespace: 'katonic-storage' })).status?.availableReplicas).toBe(1);
  });
});
