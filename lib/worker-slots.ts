// How many activities a worker runs at once, by kind (worker/create-worker.ts). An Ansible run
// takes about a CPU and half a GiB while busy (docs/production.md): a worker runs as many at once
// as its machine has CPUs and its memory holds beside the worker's own GiB, unless
// KATONIC_ANSIBLE_SLOTS says. Every other activity (a Kubernetes API call, the inventory, the
// durations book, a ticket's comment) mostly waits on the network: those have many slots of their
// own, so that none waits behind Ansible.
import { availableParallelism, totalmem } from 'node:os';

export const ANSIBLE_SLOTS_ENV = 'KATONIC_ANSIBLE_SLOTS';

/** The SDK's default for a worker's activities: the light ones of a hundred installs at once. */
export const LIGHT_SLOTS = 100;

const GIB = 2 ** 30;
/** The Node.js worker itself, its workflows cached (docs/production.md: its memory request). */
const WORKER_MEMORY = 1 * GIB;
/** One ansible-playbook run with its forks, busy. */
const ANSIBLE_RUN_MEMORY = 0.5 * GIB;
const MAX_ANSIBLE_SLOTS = 64;

export interface Machine {
  /** What the process may run on (os.availableParallelism()). */
  cpus: number;
  /** Its memory, or its cgroup's limit when lower. */
  memoryBytes: number;
}

/** `setting`: KATONIC_ANSIBLE_SLOTS as given (unset or empty: the machine decides). */
export function ansibleSlotsFor(setting: string | undefined, machine: Machine): number {
  if (setting) {
    const slots = Number(setting);
    if (!/^\d+$/.test(setting) || slots < 1 || slots > MAX_ANSIBLE_SLOTS)
      throw new Error(`${ANSIBLE_SLOTS_ENV} ${setting}: expected how many Ansible runs a worker runs at once, a whole number from 1 to ${MAX_ANSIBLE_SLOTS}`);
    return slots;
  }
  const byMemory = Math.floor((machine.memoryBytes - WORKER_MEMORY) / ANSIBLE_RUN_MEMORY);
  return Math.max(1, Math.min(machine.cpus, byMemory, MAX_ANSIBLE_SLOTS));
}

/** KATONIC_ANSIBLE_SLOTS, or what this machine holds; a bad setting throws a one-line error naming it. */
export function ansibleSlots(): number {
  // Unconstrained, Node.js says 0 or 2^64: the machine's memory then.
  const limit = process.constrainedMemory?.() || Infinity;
  return ansibleSlotsFor(process.env[ANSIBLE_SLOTS_ENV], { cpus: availableParallelism(), memoryBytes: Math.min(totalmem(), limit) });
}
