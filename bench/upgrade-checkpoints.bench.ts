// What a checkpoint after each node's upgrade costs in Ansible runs: upgrade-cluster.yml with
// --limit on one node at a time (after one playbooks/facts.yml, as Kubespray asks before runs
// with --limit), as the product upgrades, against one upgrade-cluster.yml over every node, as
// bare Kubespray does; the stand-in Kubespray on a real control plane (each node's Node really
// drained, upgraded and uncordoned), with the files and command line the product renders.
// For 4 and 10 nodes (one control plane, the rest workers: one at a time either way), the two
// ways interleaved and upgrading to alternate versions, BENCH_ROUNDS rounds (default 3);
// medians and their ratio. The stand-in's tasks do no work on the hosts, so this is Ansible's own
// cost per run; with real Kubespray each run also repeats what it does once a run (its
// inventory checks, facts and downloads).
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../client/dev/control-plane/control-plane.js';
import { table } from '../lib/format/table.js';
import type { Installation } from '../lib/spec/schema.js';
import { loadDemoSpec } from '../test/support/e2e-harness.js';
import { runStandinPlaybook, type StandinRunOptions } from '../test/support/kubespray-standin.js';
import { median } from './support/statistics.js';

const NODE_COUNTS = [4, 10];
// Two versions the stand-in checkout has checksums for: each run upgrades to the other one.
const VERSIONS = ['1.34.3', '1.34.7'] as const;
const otherVersion = (version: string) => (version === VERSIONS[0] ? VERSIONS[1] : VERSIONS[0]);

function clusterSpec(demo: Installation, nodes: number, kubeVersion: string): Installation {
  const spec = structuredClone(demo);
  spec.metadata.name = `checkpoints-${nodes}`;
  spec.spec.onprem!.kubeVersion = kubeVersion;
  spec.spec.onprem!.nodes = Array.from({ length: nodes }, (_, i) => ({
    name: i === 0 ? 'cp-1' : `worker-${i}`,
    address: `127.0.0.${11 + i}`,
    roles: i === 0 ? ['control-plane', 'etcd'] : ['worker'],
  }));
  spec.spec.extraVars = { standin_delay_seconds: 0 };
  return spec;
}

/** One playbook run's time in ms; a failed run ends the benchmark. */
async function timed(spec: Installation, dataDir: string, playbook: string, opts?: StandinRunOptions): Promise<number> {
  const run = await runStandinPlaybook(spec, dataDir, playbook, opts);
  if (run.exitCode !== 0)
    throw new Error(`${playbook}${opts?.limit ? ` --limit ${opts.limit.join(',')}` : ''} exited ${run.exitCode}: ${JSON.stringify(run.failures)}`);
  return run.ms;
}

export default async function bench(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const dataDir = await mkdtemp(join(tmpdir(), 'katonic-bench-checkpoints-'));
  // Where the stand-in finds the cluster: <katonic_data_dir>/control-plane/admin.conf.
  const plane = await startControlPlane({ dir: join(dataDir, 'control-plane') });
  const demo = await loadDemoSpec();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rows = [['NODES', 'ONE RUN, ALL NODES', 'NODE BY NODE (FACTS + ONE RUN EACH)', 'RATIO', 'PER CHECKPOINT']];
  try {
    for (const count of NODE_COUNTS) {
      let version: string = VERSIONS[0];
      await timed(clusterSpec(demo, count, version), dataDir, 'cluster.yml');
      const whole: number[] = [];
      const byNode: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        version = otherVersion(version);
        whole.push(await timed(clusterSpec(demo, count, version), dataDir, 'upgrade-cluster.yml'));
        version = otherVersion(version);
        const spec = clusterSpec(demo, count, version);
        let ms = await timed(spec, dataDir, 'playbooks/facts.yml');
        // The control plane first, then the workers, as upgrade-cluster.yml itself goes.
        for (const node of spec.spec.onprem!.nodes) ms += await timed(spec, dataDir, 'upgrade-cluster.yml', { limit: [node.name] });
        byNode.push(ms);
        console.log(
          `${count} nodes, round ${round}: one run ${s(whole.at(-1)!)}, node by node ${s(ms)}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
        );
      }
      const [one, each] = [median(whole), median(byNode)];
      rows.push([String(count), s(one), s(each), `${(each / one).toFixed(2)}x`, s((each - one) / count)]);
    }
    console.log(table(rows));
  } finally {
    await plane.stop();
  }
}
