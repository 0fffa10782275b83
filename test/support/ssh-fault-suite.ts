// What the SSH fault tests share: a harness with a worker process, three real sshd nodes in
// network namespaces of their own, and the readers of the journal and the Ansible events. The
// faults are in two files so that jest runs them side by side: most of their time is SSH
// timeouts and retry backoff, not work.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sshNodesUnavailable, startSshNodes, type SshNodes } from '../../client/dev/ssh-nodes/ssh-nodes.js';
import { onSshNodes } from '../../client/dev/ssh-nodes/ssh-spec.js';
import { SSH_TIMEOUT_ENV } from '../../lib/local-tools.js';
import type { InstallStatus } from '../../lib/install/status.js';
import type { Installation } from '../../lib/spec/schema.js';
import { describeIfAvailable } from './describe-if.js';
import { ansibleProcessesUnder, countLines, journalPhases, startHarness, type Harness, type WorkerProcess } from './e2e-harness.js';

const unavailable = await sshNodesUnavailable();
export const describeSsh = describeIfAvailable('the SSH fault tests', unavailable);

/** The test file's harness, its three SSH nodes and its first worker process, once set up. */
export const faults = {} as { h: Harness; set: SshNodes; worker: WorkerProcess };

/**
 * The workers' SSH timeout, in seconds (10 in production): a cut link is given up on within 4 to
 * 6 s instead of 10 to 15, a connection to it after 4 s instead of 10. The nodes are on this
 * machine, so an answer takes milliseconds even at load; the faults are the same.
 */
const SSH_TIMEOUT = '4';

/** A harness, three SSH nodes named `<label>-node-N` and a worker process, for the file's tests. */
export function setUpSshFaults(label: string): void {
  beforeAll(async () => {
    if (unavailable) return;
    faults.h = await startHarness(label, { workerEnv: { [SSH_TIMEOUT_ENV]: SSH_TIMEOUT } });
    faults.set = await startSshNodes({ count: 3, dir: join(faults.h.dataDir, 'ssh-nodes'), names: [1, 2, 3].map((i) => `${label}-node-${i}`) });
    faults.worker = await faults.h.startWorker();
  });
  afterAll(async () => {
    await faults.h?.close();
    await faults.set?.close();
  });
}

// A fault costs retries with backoff and SSH timeouts.
export const FAULT_TIMEOUT_MS = 400_000;
export const ended = (s: InstallStatus) => s.state !== 'running' && s.state !== 'waiting-for-approval';
export const attemptsOf = (s: InstallStatus, phase: string) => s.phases.find((p) => p.name === phase)?.attempts;

export async function start(name: string, change: (spec: Installation) => void = () => undefined): Promise<void> {
  const file = await faults.h.writeSpec(name, (spec) => {
    onSshNodes(spec, faults.set);
    // Kubespray's steps take a second, time to inject a fault mid-phase, in its first run only
    // (the retries after the fault need no time); the Katonic role's none.
    spec.spec.extraVars = { standin_delay_seconds: { kubespray: 1 }, standin_delay_runs: 1 };
    change(spec);
  });
  expect((await faults.h.cli('start', file)).exitCode).toBe(0);
}

/** Until the phase's events of `attempt` show a host unreachable (Ansible gave up on it). */
export async function untilUnreachable(name: string, phase: string, attempt = 1): Promise<void> {
  const file = join(faults.h.dataDir, 'runs', name, phase, `events-attempt-${attempt}.jsonl`);
  const deadline = Date.now() + 120_000;
  while (!(await readFile(file, 'utf8').catch(() => '')).includes('"runner_unreachable"')) {
    if (Date.now() > deadline) throw new Error(`no unreachable host in ${file} within 2 minutes`);
    await sleep(500);
  }
}

export async function untilJournal(name: string, line: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await faults.h.journal(name)).some((l) => l.startsWith(line))) {
    if (Date.now() > deadline) throw new Error(`no "${line}" in the journal of ${name} within 2 minutes`);
    await sleep(100);
  }
}

/** The journal's lines of a phase, as [task host, times]. */
export async function phaseLines(name: string, phase: string): Promise<[string, number][]> {
  return [...countLines(await faults.h.journal(name))].filter(([line]) => line.startsWith(`${phase} `)).map(([line, n]) => [line.slice(phase.length + 1), n]);
}

/** The invariants every fault keeps: the katonic phase ran once on localhost only, every Kubespray step ran on nodes of the inventory, nothing is left running. */
export async function expectInvariants(name: string): Promise<void> {
  // Every fault here ends completed: both stand-ins journalled (or the loops below check nothing).
  expect(journalPhases(await faults.h.journal(name))).toEqual(['kubespray', 'katonic']);
  const nodeNames = faults.set.nodes.map((n) => n.name);
  for (const [line] of await phaseLines(name, 'kubespray')) expect(nodeNames).toContain(line.split(' ').at(-1));
  for (const [line, n] of await phaseLines(name, 'katonic')) expect([line.split(' ').at(-1), n]).toEqual(['localhost', 1]);
  expect(await ansibleProcessesUnder(faults.h.dataDir)).toEqual([]);
}
