// One ansible-playbook run as an activity step: argument array (no shell), files in the
// phase directory, the JSON event stream read into heartbeats, typed failures,
// and no Ansible left behind on cancellation, worker death or retry.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { execa } from 'execa';
import { ProgressTracker, type AnsibleProgress } from '../../lib/ansible/events.js';
import { ANSIBLE_FAILURE, classifyExit } from '../../lib/ansible/outcome.js';
import type { AnsibleDetails } from '../../lib/install/phase-failure.js';
import { ANSIBLE_EVENTS } from '../../lib/metrics.js';
import { redactor } from '../../lib/ansible/redact.js';
import { phaseFailure } from '../phase-failure.js';
import { readEventStream } from './event-stream.js';
import { RunEstimate, type RunTiming } from './run-estimate.js';
import { playbookCommand, type PlaybookCommandRun } from './playbook-command.js';
import { removePidFile, stopGroup, stopLeftover, writePidFile } from './process-group.js';

export interface PlaybookRun extends PlaybookCommandRun {
  phase: string;
  /** Where ansible-playbook runs; Kubespray needs its own directory for its ansible.cfg. */
  cwd?: string;
  /** Secret values the run was given: cut out of everything kept from its output. */
  secrets?: string[];
  /** What its durations are recorded under and estimated from (activities/ansible/run-estimate.ts). */
  timing: RunTiming;
}

export interface PlaybookResult {
  attempt: number;
  progress: AnsibleProgress;
}

/** A heartbeat with the progress (the SDK throttles them), and the event count added to the metric, this often. */
const TICK_MS = 1000;
const STDERR_TAIL_LINES = 40;

export async function runPlaybook(run: PlaybookRun): Promise<PlaybookResult> {
  const ctx = Context.current();
  const attempt = ctx.info.attempt;
  await mkdir(join(run.phaseDir, 'tmp'), { recursive: true });
  const pidFile = join(run.phaseDir, 'ansible.pid');
  const leftover = await stopLeftover(pidFile);
  if (leftover) ctx.log.warn('Stopped the Ansible a previous attempt left running', { phase: run.phase, pgid: leftover });

  const command = playbookCommand(run);
  const { file, args, env } = command;
  const cwd = run.cwd ?? run.phaseDir;
  const estimate = await RunEstimate.start(run.timing, { ...command, cwd });
  const redact = redactor(run.secrets ?? []);
  const child = execa(file, args, {
    cwd,
    detached: true, // its own process group, so a stop reaches every fork
    reject: false,
    buffer: false,
    stdin: 'ignore',
    env,
  });
  const pid = child.pid;
  if (pid === undefined) throw phaseFailure('AnsibleNotStarted', `${run.phase}: could not start ${file}`, { command: file });
  await writePidFile(pidFile, pid);

  const tracker = new ProgressTracker();
  ctx.log.info('ansible-playbook started', { phase: run.phase, pid });
  // Events are counted here and added to the metric with each heartbeat tick, not one call per event.
  const eventsMetric = ctx.metricMeter
    .createCounter(ANSIBLE_EVENTS, 'events', 'Ansible events read')
    .withTags({ install: ctx.info.workflowExecution?.workflowId ?? '', phase: run.phase });
  let eventsUncounted = 0;
  const countEvents = () => {
    if (eventsUncounted) eventsMetric.add(eventsUncounted);
    eventsUncounted = 0;
  };
  const events = createWriteStream(join(run.phaseDir, `events-attempt-${attempt}.jsonl`));
  const stderrTail: string[] = [];

  let stopping: Promise<void> | undefined;
  const onCancel = () => {
    stopping = stopGroup(pid);
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  // Heartbeats flow also while Ansible is quiet, so a cancellation is delivered promptly.
  const ticker = setInterval(() => {
    ctx.heartbeat({ ...tracker.snapshot(), ...estimate.progress() });
    countEvents();
  }, TICK_MS);

  // Progress goes out with the ticker's heartbeats, not one per event: the SDK sends at most one
  // every 2 s anyway, and a snapshot per event is work for nothing.
  const readStdout = readEventStream(child.stdout!, redact, events, (event) => {
    tracker.apply(event);
    estimate.apply(event);
    eventsUncounted++;
  });
  const readStderr = (async () => {
    for await (const line of createInterface({ input: child.stderr! })) {
      stderrTail.push(redact(line));
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
  })();

  let completed = false;
  try {
    const result = await child;
    await Promise.all([readStdout, readStderr]);
    const progress = tracker.snapshot();
    ctx.log.info('ansible-playbook ended', { phase: run.phase, exitCode: result.exitCode, signal: result.signal, tasksDone: progress.tasksDone });
    if (stopping) {
      await stopping; // every fork of the group is gone, not only ansible-playbook itself
      throw new CancelledFailure(`${run.phase}: cancelled; ansible-playbook was stopped`);
    }
    const outcome = classifyExit(result.exitCode, result.signal, progress, stderrTail.join('\n'));
    completed = outcome.ok;
    if (outcome.ok) return { attempt, progress };
    const details: AnsibleDetails = {
      failedHosts: progress.failedHosts,
      unreachableHosts: progress.unreachableHosts,
      failures: progress.failures,
    };
    // A refused login is about the key the spec names: say which (the reference, never the key).
    const key = outcome.type === ANSIBLE_FAILURE.authRefused && run.ssh ? ` (the key of spec.onprem.ssh.privateKeyRef, ${run.ssh.keyRef})` : '';
    throw phaseFailure(outcome.type, `${run.phase}: ${outcome.message}${key}`, details);
  } finally {
    clearInterval(ticker);
    countEvents();
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
    events.end();
    await removePidFile(pidFile);
    await estimate.finish(completed);
  }
}
