// Stopping Ansible for good: ansible-playbook forks a worker per host, so signals go to
// its whole process group, and a pid file lets the next attempt stop what a dead worker left.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!groupAlive(pgid)) return true;
    await sleep(100);
  }
  return !groupAlive(pgid);
}

export interface StopGrace {
  /** After SIGINT (Ansible's own clean stop), how long before SIGTERM. */
  interruptMs: number;
  /** After SIGTERM, how long before SIGKILL. */
  terminateMs: number;
}

export const DEFAULT_GRACE: StopGrace = { interruptMs: 4000, terminateMs: 3000 };

/** SIGINT, then SIGTERM, then SIGKILL to the whole group, until nothing of it is left. */
export async function stopGroup(pgid: number, grace: StopGrace = DEFAULT_GRACE): Promise<void> {
  signalGroup(pgid, 'SIGINT');
  if (await waitGone(pgid, grace.interruptMs)) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, grace.terminateMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 2000);
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  await writeFile(file, `${pid}\n`);
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Stops the Ansible a previous attempt of this phase left running (its worker died). */
export async function stopLeftover(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const pgid = Number.parseInt(text ?? '', 10);
  if (!Number.isInteger(pgid) || pgid <= 1) return undefined;
  // The pid may have been reused since: only a process group led by Ansible is ours to stop.
  const cmdline = await readFile(`/proc/${pgid}/cmdline`, 'utf8').catch(() => '');
  const alive = groupAlive(pgid) && cmdline.includes('ansible');
  if (alive) await stopGroup(pgid);
  await removePidFile(file);
  return alive ? pgid : undefined;
}
