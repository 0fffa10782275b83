// The link faults a real install meets over SSH (real sshd nodes in network namespaces): a link
// cut and restored, a link kept down. Each checks its invariants: how the install ends, no
// finished phase run again (the journal), no host touched by a phase it was not in, and no
// Ansible process left. The process faults are in e2e-ssh-faults-processes.
import {
  attemptsOf,
  describeSsh,
  ended,
  expectInvariants,
  FAULT_TIMEOUT_MS,
  faults,
  setUpSshFaults,
  start,
  untilJournal,
  untilUnreachable,
} from './support/ssh-fault-suite.js';

setUpSshFaults('faultlinks');

describeSsh('link faults over SSH (real sshd nodes in network namespaces, stand-in Kubespray and Katonic role)', () => {
  it(
    'a node link cut during kubespray and restored within the retry window: retried, completes',
    async () => {
      await start('link-blip');
      // Cut once the node itself has done the first step (read from the journal rather than the
      // heartbeat-fed status, which lags under load): it still has most of cluster.yml ahead of it.
      // Cut before its first connection, Ansible reported the timed-out connect as a failed task,
      // not an unreachable host (seen twice in runs where the other nodes logged first).
      const node = faults.set.nodes[1]!;
      await untilJournal('link-blip', `kubespray Check the inventory ${node.name}`);
      await node.cutLink();
      try {
        await untilUnreachable('link-blip', 'kubespray');
      } finally {
        await node.restoreLink();
      }
      const done = await faults.h.waitFor('link-blip', ended, 300_000);
      expect([done.state, done.error]).toEqual(['completed', undefined]);
      expect(attemptsOf(done, 'kubespray')).toBeGreaterThanOrEqual(2);
      expect(attemptsOf(done, 'preflight')).toBe(1);
      await expectInvariants('link-blip');
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'a node link kept down: waits for the operator naming it; restored, retry --failed-hosts runs only that host and completes',
    async () => {
      const node = faults.set.nodes[2]!;
      await start('link-down');
      // The link goes down late in cluster.yml, during the node's last step before "Register the
      // nodes" (two steps' time to cut it, that one's and "Write the admin kubeconfig" on the
      // control plane): the other hosts finish it (Kubespray's any_errors_fatal stops every host
      // at the first one unreachable, so earlier there would be nothing for a --failed-hosts retry
      // to complete).
      await untilJournal('link-down', `kubespray Install the network plugin ${node.name}`);
      await node.cutLink();
      try {
        const stuck = await faults.h.waitFor('link-down', ended, 300_000);
        expect(stuck.state).toBe('waiting-for-operator');
        expect(stuck.error).toMatchObject({ phase: 'kubespray', type: 'AnsibleHostUnreachable', unreachableHosts: [node.name] });
        expect(attemptsOf(stuck, 'kubespray')).toBe(3);
      } finally {
        await node.restoreLink();
      }
      const before = (await faults.h.journal('link-down')).length;
      const retried = await faults.h.cli('retry', 'install-link-down', '--failed-hosts');
      expect(retried.stdout).toBe(`Retrying the kubespray phase of install-link-down on ${node.name}`);
      const done = await faults.h.waitFor('link-down', ended, 300_000);
      expect([done.state, done.error]).toEqual(['completed', undefined]);
      const afterRetry = (await faults.h.journal('link-down')).slice(before).filter((l) => l.startsWith('kubespray '));
      expect(afterRetry.length).toBeGreaterThan(0);
      expect(afterRetry.every((l) => l.endsWith(` ${node.name}`))).toBe(true);
      await expectInvariants('link-down');
    },
    FAULT_TIMEOUT_MS,
  );
});
