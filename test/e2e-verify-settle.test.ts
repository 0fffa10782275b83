// verify on a cluster that does not settle, on a real kube-apiserver of this test's own: a
// ResourceQuota lets no pod start in the storage namespace, so the provisioners never become
// Available. verify waits through its settle window, then names the Deployment and why.
// `kinstall watch` follows it to the wait, on a terminal (the live view) and piped (lines).
// Then verify's storage smoke, called directly on the cluster installed, with classes whose
// provisioner does not answer, or answers no.
import { stripVTControlCharacters } from 'node:util';
import { AppsV1Api, CoreV1Api, StorageV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { runStorageSmoke } from '../activities/checks/storage-smoke.js';
import { ADMIN_CONF_REFERENCE } from '../activities/kubernetes/cluster-kubeconfig.js';
import { truncate } from '../lib/format/progress-view.js';
import type { InstallStatus } from '../lib/install/status.js';
import type { SmokeClass } from '../lib/verify/storage-smoke.js';
import { singleNode, startHarness, type CliResult, type Harness } from './support/e2e-harness.js';
import { CLI } from './support/repo.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('settle', { ownControlPlane: true });
  await h.startWorker();
});
afterAll(() => h?.close());

const SETTLE_SECONDS = 15;
const COLUMNS = 100;
const ESC = '\u001b';
const SETTLING = 'waiting for the cluster to settle: Deployment katonic-storage/nfs-provisioner is not Available';

/** `kinstall watch` on a pseudo-terminal COLUMNS wide (util-linux `script`), as someone at a terminal runs it. */
async function watchOnTerminal(id: string): Promise<CliResult> {
  const command = `stty cols ${COLUMNS} rows 50; node '${CLI}' watch ${id}`;
  const r = await execa('script', ['-qfec', command, '/dev/null'], { env: h.env, reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** What the terminal showed, frame after frame, up to the status table `watch` ends with: without carriage returns and escape sequences. */
const framesOf = (raw: string, id: string) => {
  const text = stripVTControlCharacters(raw).replaceAll('\r', '');
  return text.slice(0, text.lastIndexOf(`\n${id}  cluster `));
};

/** The piped lines of `watch` (its status table after a blank line left out). */
const linesOf = (r: CliResult) => r.stdout.split('\n\n')[0]!.split('\n');

describe('verify waits for a settling cluster (own real kube-apiserver, kwok nodes, stand-in Kubespray and Katonic role)', () => {
  it('reports the Deployment that is not Available with its conditions after the settle window, and completes once the cause is gone', async () => {
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'katonic-storage' } } });
    await core.createNamespacedResourceQuota({ namespace: 'katonic-storage', body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } } });

    const file = await h.writeSpec('settle', (spec) => {
      singleNode(spec);
      spec.spec.verify = { ...spec.spec.verify, settleTimeout: `${SETTLE_SECONDS}s` };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const watches = Promise.all([watchOnTerminal('install-settle'), h.cli('watch', 'install-settle')]);
    // While it waits, the status shows what verify is waiting for (from its heartbeat).
    const waiting = await h.waitFor('settle', (s) => s.phase === 'verify' && Boolean(s.phases.find((p) => p.name === 'verify')?.task));
    expect(waiting.phases.find((p) => p.name === 'verify')?.task).toMatch(new RegExp(`^${SETTLING}`));

    // The ETA is asserted once the worker gives one (lib/eta/): it may not yet.
    let sawEta = false;
    const stuck = await h.waitFor('settle', (s: InstallStatus) => {
      sawEta ||= s.eta !== undefined;
      return s.state === 'waiting-for-operator';
    });
    const [onTerminal, piped] = await watches;
    // Piped: plain lines, one per change, the running phase's task in full; exit 1 at a wait.
    expect([piped.exitCode, piped.stdout]).toEqual([1, expect.not.stringContaining(ESC)]);
    const lines = linesOf(piped);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d (running|waiting-for-operator)( · |$)/);
    // The Ansible phases' lines (preflight, kubespray, storage, katonic) have the tasks done from their heartbeats.
    expect(lines).toContainEqual(expect.stringMatching(/ running · [a-z]+ \(attempt 1\) · tasks \d+(\/\d+)? · (.+ · )?hosts ok \d+, failed \d+$/));
    const settling = lines.filter((l) => l.includes(SETTLING));
    expect(settling[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d running · verify \\(attempt 1\\) · ${SETTLING}`));
    expect(lines.at(-1)).toMatch(/ waiting-for-operator · verify \(attempt 1\)$/);
    if (sawEta) expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d running · .* · ETA \d\d:\d\d \(/));
    // On a terminal: frames redrawn in place (cursor up, erase), each line within the width; the
    // phases done full, the running one's mark, its task cut to the width, and what the wait is for.
    expect(onTerminal.exitCode).toBe(1);
    expect(onTerminal.stdout).toMatch(new RegExp(`\\r${ESC}\\[\\d+A${ESC}\\[J`));
    const frames = framesOf(onTerminal.stdout, 'install-settle');
    for (const line of frames.split('\n')) expect([...line].length).toBeLessThanOrEqual(COLUMNS);
    for (const phase of ['preflight', 'inventory', 'kubespray', 'storage', 'katonic'])
      expect(frames).toMatch(new RegExp(`^${phase} +completed +\\[█{10,}\\] .*\\d+s$`, 'm'));
    expect(frames).toMatch(/^[a-z]+ +running +\[[░▒█]{10,}\] +\d+( tasks?|\/\d+) +\d+s\n {2}hosts ok \d+, failed \d+/m);
    expect(frames).toMatch(/^verify +running +\[[░▒]{10,}\] +\d+s$/m);
    const cut = settling.map((l) => truncate(`  ${l.slice(l.indexOf(SETTLING))}`, COLUMNS));
    expect(frames.split('\n').filter((l) => cut.includes(l)).length).toBeGreaterThan(0);
    expect(frames).toMatch(/^verify +failed +\[░+\] +\d+s\n {2}waits for an operator: the verify phase failed \(VerifyFailed\); kinstall retry/m);
    expect(frames).toMatch(/\n\nwaiting-for-operator · (\d+m )?\d+s so far\n$/);
    if (sawEta) expect(frames).toMatch(/^ETA \d\d:\d\d \((in \d+m|in \d+h \d\dm|now)\), p90 \d\d:\d\d /m);
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

  it("the storage smoke fails a class within its bind timeout, naming it with its provisioner's silence or the NFS subdir stand-in's refusal, and leaves nothing (the check called on the cluster installed above)", async () => {
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    const classes: SmokeClass[] = [
      { name: 'smoke-nobody', provisioner: 'example.com/nobody', accessMode: 'ReadWriteOnce', bindingMode: 'WaitForFirstConsumer' },
      { name: 'smoke-refused', provisioner: 'katonic.ai/nfs', accessMode: 'ReadWriteMany', bindingMode: 'Immediate' },
    ];
    await storage.createStorageClass({
      body: { metadata: { name: 'smoke-nobody' }, provisioner: 'example.com/nobody', volumeBindingMode: 'WaitForFirstConsumer' },
    });
    // The NFS subdir stand-in answers no to a parameter it does not support (pathPattern).
    await storage.createStorageClass({ body: { metadata: { name: 'smoke-refused' }, provisioner: 'katonic.ai/nfs', parameters: { pathPattern: 'x' } } });
    const started = Date.now();
    const cluster = { kc: h.cluster.kc, phase: 'verify', kubeconfig: ADMIN_CONF_REFERENCE };
    const findings = await runStorageSmoke(cluster, { install: 'settle', namespace: 'katonic-system', classes, bindTimeout: '5s' }, () => undefined);
    const seconds = (Date.now() - started) / 1000;
    expect(findings.map((f) => [f.result, f.object, f.observed])).toEqual([
      [
        'failed',
        'StorageClass smoke-nobody',
        'not bound within 5s (Pending): no event from provisioner example.com/nobody: nobody answers for it; then deleted, nothing left behind',
      ],
      [
        'failed',
        'StorageClass smoke-refused',
        'not bound within 5s (Pending): provisioner katonic.ai/nfs: ProvisioningFailed: the NFS subdir stand-in does not support the parameter pathPattern; then deleted, nothing left behind',
      ],
    ]);
    expect(seconds).toBeGreaterThanOrEqual(5);
    expect(seconds).toBeLessThan(15);
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    const smoke = { namespace: 'katonic-system', labelSelector: 'katonic.ai/install=settle' };
    expect([...(await core.listNamespacedPersistentVolumeClaim(smoke)).items, ...(await core.listNamespacedPod(smoke)).items]).toEqual([]);
    expect((await core.listPersistentVolume()).items.filter((pv) => pv.spec?.storageClassName?.startsWith('smoke-'))).toEqual([]);
  });
});
