// A server program the embedded default runs (the Temporal dev server, etcd, kube-apiserver,
// ...): in its own process group, so a Ctrl-C in the terminal reaches the worker first and
// `stop()` decides the order; with a parent-death signal, so nothing outlives a killed parent;
// its output appended to a log file that a failed start quotes.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { localTools } from '../../lib/local-tools.js';

/** Another user to run a program as (PostgreSQL refuses to run as root); only root can. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export interface SupervisedProcess {
  name: string;
  logFile: string;
  process: ResultPromise;
  exited(): boolean;
  /** The last lines of its log, for an error message. */
  logTail(lines?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export async function startSupervised(
  name: string,
  file: string,
  args: string[],
  opts: { logFile: string; env?: Record<string, string>; user?: RunAs },
): Promise<SupervisedProcess> {
  await mkdir(dirname(opts.logFile), { recursive: true });
  const setpriv = localTools.setpriv();
  const runAs = opts.user ? ['--reuid', String(opts.user.uid), '--regid', String(opts.user.gid), '--init-groups'] : [];
  if (opts.user && !setpriv) throw new Error(`${name} is to run as user ${opts.user.name}, and setpriv (util-linux) is missing`);
  const [command, commandArgs] = setpriv ? [setpriv, [...runAs, '--pdeathsig', 'SIGKILL', '--', file, ...args]] : [file, args];
  const log = { file: opts.logFile, append: true } as const;
  const child: ResultPromise = execa(command, commandArgs, { stdin: 'ignore', stdout: log, stderr: log, reject: false, detached: true, env: opts.env ?? {} });
  let done = false;
  void child.finally(() => {
    done = true;
  });
  return {
    name,
    logFile: opts.logFile,
    process: child,
    exited: () => done,
    async logTail(lines = 20) {
      const text = await readFile(opts.logFile, 'utf8').catch(() => '');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop(graceMs = 10_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await child;
      clearTimeout(timer);
    },
  };
}

/** Polls `ready` until it answers true; fails early, quoting the log, if the process exits. */
export async function waitUntilReady(proc: SupervisedProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (proc.exited() || Date.now() > until) {
      const why = proc.exited() ? 'exited' : `was not ready within ${Math.round(timeoutMs / 1000)} s`;
      await proc.stop(1000);
      throw new Error(`${proc.name} ${why}; the end of ${proc.logFile}:\n${await proc.logTail()}`);
    }
    await sleep(200);
  }
}
