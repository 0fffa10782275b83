// Installs over SSH on real sshd nodes (network namespaces of their own, Debian's sshd, a
// non-root user with sudo): the whole install with become and the key from its reference,
// host keys trusted on first use per install; a wrong key; a node whose disk is full.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sshNodesUnavailable, startSshNodes, type SshNodes } from '../client/dev/ssh-nodes/ssh-nodes.js';
import { describeIfAvailable } from './support/describe-if.js';
import { ansibleProcessesUnder, countLines, startHarness, type Harness } from './support/e2e-harness.js';
import { onSshNodes } from '../client/dev/ssh-nodes/ssh-spec.js';

const unavailable = await sshNodesUnavailable();
const describeSsh = describeIfAvailable('the SSH install tests', unavailable);

let h: Harness;
let set: SshNodes;
beforeAll(async () => {
  if (unavailable) return;
  h = await startHarness('sshinstall');
  set = await startSshNodes({ count: 3, dir: join(h.dataDir, 'ssh-nodes'), names: ['ssh-node-1', 'ssh-node-2', 'ssh-node-3'] });
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await set?.close();
});

const PHASES = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'];

describeSsh('installs over SSH (real sshd nodes in network namespaces, become; stand-in Kubespray and Katonic role)', () => {
  it("runs the whole stand-in install on 3 nodes over SSH; preflight reads each node's own facts as root; host keys are recorded for the install", async () => {
    const file = await h.writeSpec('over-ssh', (spec) => onSshNodes(spec, set));
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
    const workerLog = await readFile(join(h.dataDir, 'worker-1.log'), 'utf8');
    expect(workerLog).not.toContain(keyBody);
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
});
