// The product against a production-shaped Temporal: the Temporal Server's four services as
// processes of their own on PostgreSQL, with the server's own TLS (mTLS required on the
// frontend), shared by the test run (global-setup). Two workers connect by a connection profile
// with a client certificate, as a customer's do. Installs over SSH on real sshd nodes (network
// namespaces of their own, Debian's sshd, a non-root user with sudo): the whole install with
// become, host keys trusted on first use; faults during Kubespray, each in an install of its own
// (the history service, PostgreSQL, the matching service, one of two workers); a wrong key; a
// node whose disk is full; `kinstall list` by cluster, ticket and state on SQL visibility.
// Everything is in one file, one test after another: the faults stop the shared cluster's
// services, which a test beside them would feel.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { execa } from 'execa';
import { makeCa, makeCert } from '../client/dev/openssl-pki.js';
import { sshNodesUnavailable, startSshNodes, type SshNodes } from '../client/dev/ssh-nodes/ssh-nodes.js';
import { onSshNodes } from '../client/dev/ssh-nodes/ssh-spec.js';
import { describeIfAvailable } from './support/describe-if.js';
import { ansibleProcessesUnder, countLines, startHarness, withEnv, type Harness, type WorkerProcess } from './support/e2e-harness.js';
import { CLI } from './support/repo.js';
import { clusterUnavailable } from './support/services.js';
import { killAndAwaitReplacement, postgresPid, servicePid } from './support/temporal-cluster-faults.js';

const unavailable = (await sshNodesUnavailable()) ?? clusterUnavailable();
const describeCluster = describeIfAvailable('the production-shaped Temporal tests', unavailable);

let h: Harness;
let set: SshNodes;
let workers: WorkerProcess[];
beforeAll(async () => {
  if (unavailable) return;
  h = await startHarness('prodtemporal', { cluster: true });
  set = await startSshNodes({ count: 3, dir: join(h.dataDir, 'ssh-nodes'), names: ['ssh-node-1', 'ssh-node-2', 'ssh-node-3'] });
  // Two workers on the install queue, each connected by the profile (mTLS).
  workers = [await h.startWorker(), await h.startWorker()];
});
afterAll(async () => {
  await h?.close();
  await set?.close();
});

const PHASES = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'];

/** The client certificate and key the cluster's profile names. */
const clientPair = async (profile: string) => {
  const path = (key: string) => new RegExp(`${key} = "([^"]+)"`).exec(profile)![1]!;
  return { crt: await readFile(path('client_cert_path')), key: await readFile(path('client_key_path')) };
};

/** The process's parent, from /proc. */
const parentOf = async (pid: number) => Number((await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[1]);

/** The worker whose process runs an ansible-playbook under `dir` now (its ancestor). */
async function workerRunningAnsible(dir: string): Promise<WorkerProcess | undefined> {
  for (const pid of await ansibleProcessesUnder(dir)) {
    for (let p = pid; p > 1; p = await parentOf(p).catch(() => 1)) {
      const worker = workers.find((w) => w.process.pid === p);
      if (worker) return worker;
    }
  }
  return undefined;
}

/**
 * An install over the SSH nodes whose Kubespray steps take half a second in its first run; once
 * Kubespray has journalled a step, `fault`; then it must go on (another step after the fault)
 * and complete, the phases before Kubespray and after it run once, Kubespray `kubesprayRuns`
 * times (2 where its worker died), and no Ansible left.
 */
async function faultDuringKubespray(name: string, kubesprayRuns: number, fault: () => Promise<void>): Promise<void> {
  const file = await h.writeSpec(name, (spec) => {
    onSshNodes(spec, set);
    spec.spec.extraVars = { standin_delay_seconds: { kubespray: 0.5 }, standin_delay_runs: 1 };
    // A killed worker's phase is taken over within 5 s (the least the spec allows).
    spec.spec.heartbeatTimeout = '5s';
  });
  expect((await h.cli('start', file)).exitCode).toBe(0);
  await h.waitFor(name, (s) => s.phase === 'kubespray' && s.phases.some((p) => p.name === 'kubespray' && p.task !== undefined));
  const lines = await untilJournalGrows(name, 0);
  await fault();
  await untilJournalGrows(name, lines);
  const done = await h.waitFor(name, (s) => s.state !== 'running', 300_000);
  expect([done.state, done.error]).toEqual(['completed', undefined]);
  expect(Object.fromEntries(done.phases.map((p) => [p.name, p.attempts]))).toEqual({
    preflight: 1,
    inventory: 1,
    kubespray: kubesprayRuns,
    storage: 1,
    katonic: 1,
    verify: 1,
  });
  expect(await ansibleProcessesUnder(h.dataDir)).toEqual([]);
}

/** Until the install's journal has more lines than `than`: its Ansible went on. */
async function untilJournalGrows(name: string, than: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lines = (await h.journal(name)).length;
    if (lines > than) return lines;
    if (Date.now() > deadline) throw new Error(`the journal of ${name} stayed at ${than} lines for 60 s`);
    await sleep(200);
  }
}

describeCluster(
  'on a production-shaped Temporal (4 service processes, PostgreSQL, mTLS): installs over SSH (real sshd nodes, become; stand-in Kubespray and Katonic role)',
  () => {
    it('the frontend itself refuses a client without a certificate (in plain text or TLS) and one whose certificate another CA issued', async () => {
      const profile = h.env.TEMPORAL_CONFIG_FILE!;
      const text = await readFile(profile, 'utf8');
      const [address, ca] = [/address = "([^"]+)"/, /server_ca_cert_path = "([^"]+)"/].map((re) => re.exec(text)![1]!);
      const answer = async (opts: Parameters<typeof Connection.connect>[0]) => {
        const c = await Connection.connect({ ...opts, address, connectTimeout: '2s' }).catch((e: Error) => e);
        if (c instanceof Error) return c.message;
        try {
          return await c.workflowService.getSystemInfo({}).then(
            () => 'answered',
            (e: Error) => e.message,
          );
        } finally {
          await c.close();
        }
      };
      const caPem = await readFile(ca!);
      const dir = join(h.dataDir, 'stranger');
      const strangerCa = await makeCa(dir, 'stranger-ca');
      const stranger = await makeCert(dir, 'stranger', strangerCa, 'client');
      const [plain, noCert, strangerCert] = await Promise.all([
        answer({}),
        answer({ tls: { serverRootCACertificate: caPem, serverNameOverride: 'localhost' } }),
        answer({
          tls: {
            serverRootCACertificate: caPem,
            serverNameOverride: 'localhost',
            clientCertPair: { crt: await readFile(stranger.crt), key: await readFile(stranger.key) },
          },
        }),
      ]);
      for (const refused of [plain, noCert, strangerCert]) expect(refused).not.toBe('answered');
      // The CLI says what it lacks, instead of a deadline: TLS, then a client certificate.
      const cli = async (...args: string[]) => {
        const env = withEnv(h.env, { TEMPORAL_CONFIG_FILE: undefined, TEMPORAL_PROFILE: undefined });
        const r = await execa('node', [CLI, '--address', address!, ...args, 'list'], { env, extendEnv: false, reject: false });
        return [r.exitCode, r.stderr.trim()];
      };
      const [plainCli, noCertCli] = await Promise.all([cli(), cli('--tls-ca-path', ca!, '--tls-server-name', 'localhost')]);
      expect(plainCli).toEqual([
        1,
        expect.stringMatching(
          /^the Temporal server at 127\.0\.0\.1:\d+ requires TLS \(it answers a TLS handshake and asks for a client certificate\): connect by its profile/,
        ),
      ]);
      expect(noCertCli).toEqual([1, expect.stringMatching(/requires a client certificate \(mutual TLS\): give --tls-cert-path and --tls-key-path/)]);
      // The same client with the cluster's own client certificate is answered: the refusals are the certificates'.
      expect(await answer({ tls: { serverRootCACertificate: caPem, serverNameOverride: 'localhost', clientCertPair: await clientPair(text) } })).toBe(
        'answered',
      );
    });

    it("runs the whole stand-in install on 3 nodes over SSH with two workers; preflight reads each node's own facts as root; host keys are recorded for the install", async () => {
      const file = await h.writeSpec('over-ssh', (spec) => {
        onSshNodes(spec, set);
        spec.metadata.ticket = 'OPS-2201';
      });
      expect((await h.cli('start', file)).exitCode).toBe(0);
      const done = await h.waitFor('over-ssh', (s) => s.state !== 'running', 300_000);
      expect([done.state, done.error]).toEqual(['completed', undefined]);
      expect(done.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(PHASES.map((p) => [p, 'completed', 1]));

      const factsDir = join(h.dataDir, 'runs', 'over-ssh', 'preflight', 'facts');
      const facts = await Promise.all(
        (await readdir(factsDir)).sort().map(async (f) => JSON.parse(await readFile(join(factsDir, f), 'utf8')) as Record<string, unknown>),
      );
      expect(facts.map((f) => [f.host, f.hostname, f.address, f.user])).toEqual(set.nodes.map((n) => [n.name, n.name, n.address, 'root']));
      const [nodes, fqdn] = done.phases[0]!.summary!.split('; mlops.demo.local ');
      expect(nodes).toBe(
        `3 nodes meet the requirements: ${set.nodes.map((n) => `${n.name} (${n.name} at ${n.address})`).join(', ')}; Kubespray v2.31.0 (galaxy.yml) installs 1.33.7 (1.33.0 to 1.35.4)`,
      );
      // The demo has no load balancer (verify.frontDoor: false): an FQDN without an address is a warning.
      expect(fqdn).toMatch(/^\(spec\.katonic\.fqdn\) does not resolve: .+ \(warning\)$/);

      // Host keys: trusted on first use, each node's own, in the install's own known_hosts
      // (hashed, as Debian's ssh writes them: ssh-keygen -F finds a host in it).
      const knownHosts = join(h.dataDir, 'runs', 'over-ssh', 'known_hosts');
      for (const [i, node] of set.nodes.entries()) {
        const hostKey = (await readFile(join(h.dataDir, 'ssh-nodes', `node-${i + 1}`, 'ssh_host_ed25519_key.pub'), 'utf8')).split(' ')[1];
        const found = await execa('ssh-keygen', ['-F', node.address, '-f', knownHosts]);
        expect(found.stdout).toContain(`ssh-ed25519 ${hostKey}`);
      }
      // Every Kubespray step ran on every node it belongs to, once; nothing is left running.
      const journal = countLines(await h.journal('over-ssh'));
      expect(journal.get('kubespray Install the container runtime ssh-node-2')).toBe(1);
      expect([...journal.values()].every((n) => n === 1)).toBe(true);
      expect(await ansibleProcessesUnder(h.dataDir)).toEqual([]);
      // The key was on disk for the runs only.
      const leftKeys = await execa('find', [join(h.dataDir, 'runs', 'over-ssh'), '-name', 'ssh-key']);
      expect(leftKeys.stdout).toBe('');
    });

    // The server's own faults: each process killed is started again by the cluster's keeper.
    // SIGINT to PostgreSQL is its fast shutdown, as `pg_ctl restart -m fast` does.
    it.each([
      ['the history service killed (-9)', 'history-killed', 'the history service', () => servicePid('history'), 'SIGKILL'],
      ['PostgreSQL restarted (a fast shutdown, then started again)', 'postgres-restarted', 'PostgreSQL', postgresPid, 'SIGINT'],
      ['the matching service killed (-9)', 'matching-killed', 'the matching service', () => servicePid('matching'), 'SIGKILL'],
    ] as const)('%s during Kubespray: started again, the install completes, no phase ran again, not even Kubespray', async (_, name, what, find, signal) => {
      await faultDuringKubespray(name, 1, async () => {
        const { before, after } = await killAndAwaitReplacement(what, find, signal);
        expect(after).not.toBe(before);
      });
    });

    it('the worker running Kubespray killed (-9), one of two: the other takes the phase over, no finished phase ran again', async () => {
      await faultDuringKubespray('worker-killed', 2, async () => {
        const runner = await workerRunningAnsible(join(h.dataDir, 'runs', 'worker-killed'));
        expect(runner).toBeDefined();
        runner!.process.kill('SIGKILL');
        await runner!.process;
        workers = workers.filter((w) => w !== runner);
      });
      // The other worker went on alone; the next tests get a second one again.
      workers.push(await h.startWorker());
    });

    it('a key the nodes refuse: non-retryable, waits for the operator, names the key reference and never the key', async () => {
      const wrongKey = join(h.dataDir, 'wrong-key');
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
      const file = await h.writeSpec('wrong-key', (spec) => onSshNodes(spec, set, wrongKey));
      expect((await h.cli('start', file)).exitCode).toBe(0);
      const stuck = await h.waitFor('wrong-key', (s) => s.state !== 'running', 120_000);
      expect(stuck.state).toBe('waiting-for-operator');
      expect(stuck.phases[0]).toMatchObject({ name: 'preflight', state: 'failed', attempts: 1 });
      expect(stuck.error?.type).toBe('AnsibleAuthRefused');
      expect(stuck.error?.message).toContain(`(the key of spec.onprem.ssh.privateKeyRef, file:${wrongKey})`);
      expect(stuck.error?.message).toMatch(/SSH login refused by ssh-node-\d/);
      const keyBody = (await readFile(wrongKey, 'utf8')).split('\n')[1]!;
      expect(JSON.stringify(stuck)).not.toContain(keyBody);
      for (const log of ['worker-1.log', 'worker-2.log']) expect(await readFile(join(h.dataDir, log), 'utf8')).not.toContain(keyBody);
      expect((await h.cli('cancel', 'install-wrong-key')).exitCode).toBe(0);
    });

    it('a node whose disk is full (its Ansible temp directory, a small tmpfs): a clear failure naming the node, not a hang', async () => {
      const node = set.nodes[1]!;
      await node.fillDisk();
      try {
        const file = await h.writeSpec('disk-full', (spec) => onSshNodes(spec, set));
        expect((await h.cli('start', file)).exitCode).toBe(0);
        const stuck = await h.waitFor('disk-full', (s) => s.state !== 'running', 180_000);
        expect(stuck.state).toBe('waiting-for-operator');
        expect(stuck.phase).toBe('preflight');
        // Said the same way every time, before any module is sent (a full disk used to come out
        // as dd's "No space left on device" or, when the pipe to dd broke first, as unreachable).
        expect(stuck.error).toMatchObject({ type: expect.any(String), failedHosts: [node.name], unreachableHosts: [] });
        expect(JSON.stringify(stuck.error)).toMatch(/\.ansible\/tmp has \d+ KiB free \(No space left on device\)/);
        expect(await ansibleProcessesUnder(h.dataDir)).toEqual([]);
      } finally {
        await node.freeDisk();
      }
      expect((await h.cli('retry', 'install-disk-full')).exitCode).toBe(0);
      const done = await h.waitFor('disk-full', (s) => s.state !== 'running', 300_000);
      expect([done.state, done.error]).toEqual(['completed', undefined]);
    });

    it('kinstall list by cluster, ticket and state, on SQL visibility', async () => {
      const list = async (...args: string[]) => {
        const r = await h.cli('list', '--json', ...args);
        expect([r.exitCode, r.stderr]).toEqual([0, '']);
        // This file's installs (another file may use the shared cluster too).
        const ours = ['over-ssh', 'history-killed', 'postgres-restarted', 'matching-killed', 'worker-killed', 'wrong-key', 'disk-full'].map(
          (name) => `install-${name}`,
        );
        const rows = JSON.parse(r.stdout) as { id: string; state: string }[];
        return rows
          .filter((row) => ours.includes(row.id))
          .map((row) => `${row.id} ${row.state}`)
          .sort();
      };
      expect(await list('--cluster', 'over-ssh')).toEqual(['install-over-ssh completed']);
      expect(await list('--ticket', 'OPS-2201')).toEqual(['install-over-ssh completed']);
      expect(await list('--state', 'completed')).toEqual(
        ['disk-full', 'history-killed', 'matching-killed', 'over-ssh', 'postgres-restarted', 'worker-killed'].map((name) => `install-${name} completed`),
      );
      expect(await list('--state', 'completed', '--cluster', 'wrong-key')).toEqual([]);
      expect(await list('--state', 'cancelled')).toEqual(['install-wrong-key cancelled']);
      const bad = await h.cli('list', '--state', 'done');
      expect([bad.exitCode, bad.stderr.trim()]).toEqual([
        2,
        '--state "done": expected one of running, waiting-for-operator, waiting-for-approval, completed, failed, cancelled',
      ]);
    });
  },
);
