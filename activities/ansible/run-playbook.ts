// One ansible-playbook run as an activity step: argument array (no shell), files in the
// phase directory, the JSON event stream read line by line into heartbeats, typed failures,
// and no Ansible left behind on cancellation, worker death or retry.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { execa } from 'execa';
import { ProgressTracker, parseEventLine, type AnsibleProgress } from '../../lib/ansible/events.js';
import { ANSIBLE_FAILURE, classifyExit } from '../../lib/ansible/outcome.js';
import { localTools } from '../../lib/local-tools.js';
import { removePidFile, stopGroup, stopLeftover, writePidFile } from './process-group.js';

export interface PlaybookRun {
  phase: string;
  phaseDir: string;
  /** Where ansible-playbook runs; Kubespray needs its own directory for its ansible.cfg. */
  cwd?: string;
  playbook: string;
  inventory: string;
  extraVarsFiles: string[];
  limit?: string[];
  check?: boolean;
  /** Over SSH, with become: the key for this run, the install's own known hosts. */
  ssh?: SshAccess;
  /** More environment for ansible-playbook itself (seen by lookups as well as modules). */
  env?: Record<string, string>;
}

export interface SshAccess {
  /** The private key, written for this run only. */
  privateKeyFile: string;
  /** The spec's reference to it, for messages (never the key). */
  keyRef: string;
  /** Host keys seen by this install: new hosts are added, a changed key is refused. */
  knownHosts: string;
  /** This run's own directory for shared connections' sockets. */
  controlDir: string;
}

export interface PlaybookResult {
  attempt: number;
  progress: AnsibleProgress;
}

/** What a failed run tells the workflow (and the operator): bounded, no secrets. */
export interface PlaybookFailureDetails {
  phase: string;
  attempt: number;
  failedHosts: string[];
  unreachableHosts: string[];
  failures: AnsibleProgress['failures'];
}

const HEARTBEAT_EVERY_MS = 5000;
const STDERR_TAIL_LINES = 40;

function playbookArgs(run: PlaybookRun): string[] {
  const args = ['-i', run.inventory];
  for (const file of run.extraVarsFiles) args.push('-e', `@${file}`);
  if (run.limit?.length) args.push('--limit', run.limit.join(','));
  if (run.check) args.push('--check');
  if (run.ssh) args.push('--become', '--private-key', run.ssh.privateKeyFile);
  args.push(run.playbook);
  return args;
}

/**
 * SSH as an operator wants it, whatever ansible.cfg the playbook's directory has (Kubespray's
 * turns host key checking off): host keys checked against the install's own known_hosts,
 * trusted on first use (`accept-new`) and refused when they change; a dead link noticed within
 * seconds (server alive probes), not after TCP gives up.
 */
function sshEnvironment(ssh: SshAccess | undefined): Record<string, string> {
  if (!ssh) return { ANSIBLE_HOST_KEY_CHECKING: 'False' };
  const options = ['ControlMaster=auto', 'ControlPersist=15s', 'StrictHostKeyChecking=accept-new', `UserKnownHostsFile=${ssh.knownHosts}`, 'ServerAliveInterval=5', 'ServerAliveCountMax=2', 'ConnectTimeout=10'];
  return { ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_SSH_ARGS: options.map((o) => `-o ${o}`).join(' '), ANSIBLE_SSH_CONTROL_PATH_DIR: ssh.controlDir, ANSIBLE_TIMEOUT: '10' };
}

function commandLine(run: PlaybookRun): [string, string[]] {
  const ansible = localTools.ansiblePlaybook();
  const setpriv = localTools.setpriv();
  // --pdeathsig: if the worker dies, the kernel sends ansible-playbook SIGTERM.
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', ansible, ...playbookArgs(run)]] : [ansible, playbookArgs(run)];
}

export async function runPlaybook(run: PlaybookRun): Promise<PlaybookResult> {
  const ctx = Context.current();
  const attempt = ctx.info.attempt;
  await mkdir(join(run.phaseDir, 'tmp'), { recursive: true });
  const pidFile = join(run.phaseDir, 'ansible.pid');
  const leftover = await stopLeftover(pidFile);
  if (leftover) ctx.log.warn('Stopped the Ansible a previous attempt left running', { phase: run.phase, pgid: leftover });

  const [file, args] = commandLine(run);
  const child = execa(file, args, {
    cwd: run.cwd ?? run.phaseDir,
    detached: true, // its own process group, so a stop reaches every fork
    reject: false,
    buffer: false,
    stdin: 'ignore',
    env: {
      ANSIBLE_STDOUT_CALLBACK: 'katonic_events',
      ANSIBLE_CALLBACK_PLUGINS: localTools.callbackPlugins(),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      ...sshEnvironment(run.ssh),
      // A missing or broken inventory is otherwise only a warning, and the run "succeeds" on no host.
      ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
      ANSIBLE_LOCAL_TEMP: join(run.phaseDir, 'tmp'),
      PYTHONUNBUFFERED: '1',
      ...run.env,
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw ApplicationFailure.nonRetryable(`could not start ${file}`, 'AnsibleNotStarted');
  await writePidFile(pidFile, pid);

  const tracker = new ProgressTracker();
  const beat = () => ctx.heartbeat(tracker.snapshot());
  const events = createWriteStream(join(run.phaseDir, `events-attempt-${attempt}.jsonl`));
  const stderrTail: string[] = [];

  let stopping: Promise<void> | undefined;
  const onCancel = () => {
    stopping = stopGroup(pid);
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  // Heartbeats also flow while Ansible is quiet, so a cancellation is delivered promptly.
  const ticker = setInterval(beat, HEARTBEAT_EVERY_MS);

  const readStdout = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) {
      events.write(`${line}\n`);
      const event = parseEventLine(line);
      if (!event) continue;
      tracker.apply(event);
      beat();
    }
  })();
  const readStderr = (async () => {
    for await (const line of createInterface({ input: child.stderr! })) {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
  })();

  try {
    const result = await child;
    await Promise.all([readStdout, readStderr]);
    const progress = tracker.snapshot();
    if (stopping) {
      await stopping; // every fork of the group is gone, not only ansible-playbook itself
      throw new CancelledFailure(`${run.phase}: cancelled; ansible-playbook was stopped`);
    }
    const outcome = classifyExit(result.exitCode, result.signal, progress, stderrTail.join('\n'));
    if (outcome.ok) return { attempt, progress };
    const details: PlaybookFailureDetails = {
      phase: run.phase,
      attempt,
      failedHosts: progress.failedHosts,
      unreachableHosts: progress.unreachableHosts,
      failures: progress.failures,
    };
    // A refused login is about the key the spec names: say which (the reference, never the key).
    const key = outcome.type === ANSIBLE_FAILURE.authRefused && run.ssh ? ` (the key of spec.onprem.ssh.privateKeyRef, ${run.ssh.keyRef})` : '';
    throw ApplicationFailure.create({ type: outcome.type, message: `${run.phase}: ${outcome.message}${key}`, nonRetryable: !outcome.retryable, details: [details] });
  } finally {
    clearInterval(ticker);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
    events.end();
    await removePidFile(pidFile);
  }
}
