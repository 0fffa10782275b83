// A kdisk that already exists with other parameters, on a real kube-apiserver (a control
// plane of this test's own: the class is cluster-wide): the storage phase leaves it as it
// was and stops with a clear, non-retryable error; the operator fixes it and retries.
import type { InstallStatus } from '../lib/install/status.js';
import { StorageV1Api } from '@kubernetes/client-node';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('scconflict', { ownControlPlane: true });
  await h.startWorker();
});
afterAll(() => h?.close());

describe('storage phase on a cluster with a conflicting kdisk (own real kube-apiserver, stand-in Kubespray and Katonic role)', () => {
  it('does not touch the existing class, names the class, the field and both values, waits for the operator, and completes after the fix', async () => {
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    const before = await storage.createStorageClass({
      body: {
        metadata: { name: 'kdisk' },
        provisioner: 'rancher.io/local-path',
        parameters: { nodePath: '/mnt/other' },
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    // The API server itself refuses to change a class's parameters: the reason for the check.
    const refused = await storage
      .patchStorageClass({ name: 'kdisk', body: [{ op: 'replace', path: '/parameters', value: {} }] })
      .catch((err: { code?: number; body?: string }) => err);
    expect(refused).toMatchObject({ code: 422 });
    expect(String((refused as { body?: string }).body)).toContain('updates to parameters are forbidden');

    const file = await h.writeSpec('scconflict', singleNode);
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('scconflict', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phase).toBe('storage');
    expect(stuck.phases.find((p) => p.name === 'storage')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(stuck.error?.type).toBe('StorageClassConflict');
    expect(stuck.error?.message).toContain('StorageClass kdisk exists with parameters {"nodePath":"/mnt/other"}, the install wants {}');
    // The conflicts as data, under the failed phase, in what `kinstall status --json` prints.
    const json = JSON.parse((await h.cli('status', 'install-scconflict', '--json')).stdout) as InstallStatus;
    expect(json.phases.find((p) => p.name === 'storage')?.error?.details?.conflicts).toEqual([
      expect.objectContaining({ name: 'kdisk', field: 'parameters', existing: '{"nodePath":"/mnt/other"}', wanted: '{}' }),
    ]);
    const after = await storage.readStorageClass({ name: 'kdisk' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);

    await storage.deleteStorageClass({ name: 'kdisk' });
    expect((await h.cli('retry', 'install-scconflict')).exitCode).toBe(0);
    const done = await h.waitFor('scconflict', (s) => s.state === 'completed');
    expect(done.phases.find((p) => p.name === 'storage')).toMatchObject({ state: 'completed', attempts: 2 });
    const kdisk = await storage.readStorageClass({ name: 'kdisk' });
    expect([kdisk.provisioner, kdisk.parameters ?? {}]).toEqual(['rancher.io/local-path', {}]);
  });
});
