// How the managed preflight and verify scale with the cluster: the same code the activities run
// (kubeconfig from the spec's reference, paginated lists, the pure rules), timed on an
// EKS-shaped cluster of 10 nodes and then of 1,000 nodes, created in a real kube-apiserver
// (the local control plane, kwok keeping the nodes Ready). Printed side by side as a ratio; the
// goal is that 1,000 nodes cost under 5 s.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppsV1Api } from '@kubernetes/client-node';
import { kubeConfigFrom, managedKubeconfig } from '../activities/kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from '../activities/kubernetes/read-managed-cluster.js';
import { observeCluster } from '../activities/verify.js';
import { startControlPlane } from '../client/dev/control-plane/control-plane.js';
import { table } from '../lib/format/table.js';
import { managedPreflightReport, managedRequirements } from '../lib/preflight/managed-rules.js';
import { acceptSpec } from '../lib/spec/accept.js';
import { isOnpremInstallation } from '../lib/spec/schema.js';
import { clusterProblems, verifyExpectations } from '../lib/verify/cluster-checks.js';
import { createClusterObjects, registerNodes } from '../test/support/managed-cluster-setup.js';
import { clusterObjects, node } from '../test/support/managed-clusters.js';
import { median } from './support/statistics.js';

const SMALL = 10;
const LARGE = 1000;
const RUNS = 5;
const GOAL_MS = 5000;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-'));
  const plane = await startControlPlane({ dir: join(dir, 'control-plane') });
  try {
    const accepted = acceptSpec({
      doc: {
        apiVersion: 'katonic.ai/v1',
        kind: 'Installation',
        metadata: { name: 'bench' },
        spec: {
          flow: 'eks',
          katonic: { version: '4.5', fqdn: 'mlops.acme.com', roleDir: '/opt/katonic' },
          managed: {
            kubeconfigRef: `file:${plane.kubeconfig}`,
            blobStore: { kind: 's3', bucket: 'acme-katonic', region: 'us-east-1' },
            storage: { kfs: { fileSystemId: 'fs-0123456789abcdef0' } },
          },
          // No load balancer here: an FQDN that does not resolve is a warning, not a refusal.
          verify: { frontDoor: false },
        },
      },
    });
    if (!accepted.ok || isOnpremInstallation(accepted.spec)) throw new Error(`the bench's spec should be a valid EKS spec: ${JSON.stringify(accepted)}`);
    const { spec } = accepted;
    const kc = kubeConfigFrom(await managedKubeconfig(spec.spec.managed, 'preflight'));
    const nodeName = (i: number) => `ip-10-${Math.floor(i / 250)}-${i % 250}-1.ec2.internal`;
    const pool = (i: number) => (i % 10 === 0 ? 'platform' : 'compute');
    const objects = clusterObjects('eks', 0, { nodes: Array.from({ length: SMALL }, (_, i) => node('eks', { name: nodeName(i), pool: pool(i) })) });
    // The DaemonSets are read, not run: on 1,000 nodes their pods would measure the scheduler, not the installer.
    for (const ds of objects.daemonSets) ds.spec!.template.spec!.nodeSelector = { 'katonic.ai/bench': 'no-node' };
    await createClusterObjects(kc, objects);
    const expectations = verifyExpectations(spec);

    const measure = async () => ({
      preflight: await timed(async () => {
        const report = managedPreflightReport(await readManagedCluster(kc, spec.spec.katonic), managedRequirements(spec));
        if (!report.passed)
          throw new Error(`the benchmark cluster should pass preflight: ${JSON.stringify(report.findings.filter((f) => f.result === 'failed'))}`);
      }),
      verify: await timed(async () => clusterProblems(await observeCluster(kc, expectations), expectations)),
    });
    const small = await measure();
    const added = Date.now();
    await registerNodes(
      kc,
      Array.from({ length: LARGE - SMALL }, (_, i) => node('eks', { name: nodeName(SMALL + i), pool: pool(SMALL + i) })),
    );
    const createdIn = Date.now() - added;
    const large = await measure();
    await kc.makeApiClient(AppsV1Api).listDaemonSetForAllNamespaces(); // the API server is still answering

    const ms = (n: number) => `${Math.round(n)} ms`;
    console.log(`EKS-shaped cluster in a real kube-apiserver; median of ${RUNS} runs each; ${LARGE - SMALL} nodes registered in ${ms(createdIn)}`);
    console.log(
      table([
        ['PHASE', `${SMALL} NODES`, `${LARGE} NODES`, 'RATIO', `GOAL (${LARGE} NODES < ${GOAL_MS / 1000} s)`],
        [
          'preflight',
          ms(small.preflight),
          ms(large.preflight),
          `${(large.preflight / small.preflight).toFixed(1)}x`,
          large.preflight < GOAL_MS ? 'met' : 'NOT met',
        ],
        ['verify', ms(small.verify), ms(large.verify), `${(large.verify / small.verify).toFixed(1)}x`, large.verify < GOAL_MS ? 'met' : 'NOT met'],
      ]),
    );
  } finally {
    await plane.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
