import { ansibleSlotsFor } from '../lib/worker-slots.js';
import { ansibleTaskQueue, installTaskQueueOf } from '../lib/temporal/task-queues.js';

const GIB = 2 ** 30;

describe("a worker's Ansible slots (pure)", () => {
  it('one per CPU, as many as the memory holds beside the worker (1 GiB, then half a GiB a run), at least one', () => {
    expect(ansibleSlotsFor(undefined, { cpus: 2, memoryBytes: 24 * GIB })).toBe(2);
    // The Deployment's pod (deploy/worker-deployment.yaml): a 3 GiB limit on a node of 16 CPUs.
    expect(ansibleSlotsFor(undefined, { cpus: 16, memoryBytes: 3 * GIB })).toBe(4);
    expect(ansibleSlotsFor(undefined, { cpus: 8, memoryBytes: 1 * GIB })).toBe(1);
    expect(ansibleSlotsFor('', { cpus: 3, memoryBytes: 24 * GIB })).toBe(3);
  });

  it('KATONIC_ANSIBLE_SLOTS decides when set; a bad one is refused, naming it and what is expected', () => {
    expect(ansibleSlotsFor('6', { cpus: 2, memoryBytes: 2 * GIB })).toBe(6);
    for (const bad of ['0', '65', '2.5', 'four', '-1'])
      expect(() => ansibleSlotsFor(bad, { cpus: 2, memoryBytes: 24 * GIB })).toThrow(
        `KATONIC_ANSIBLE_SLOTS ${bad}: expected how many Ansible runs a worker runs at once, a whole number from 1 to 64`,
      );
  });
});

describe('the install queue and its Ansible queue (pure)', () => {
  it("an activity's book is its install queue's, whichever of the two it ran on", () => {
    expect(ansibleTaskQueue('katonic-install')).toBe('katonic-install-ansible');
    expect(installTaskQueueOf('katonic-install-ansible')).toBe('katonic-install');
    expect(installTaskQueueOf('katonic-install')).toBe('katonic-install');
  });
});
