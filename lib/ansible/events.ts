// The JSON event stream of the katonic_events callback plugin (one object per line),
// folded into the progress that heartbeats and the status show.
import type { Remaining } from '../eta/eta.js';

export type AnsibleEvent =
  | { event: 'playbook_start'; playbook: string }
  | { event: 'play_start'; play: string }
  | { event: 'task_start'; task: string; role?: string; t?: number }
  | { event: 'runner_ok'; task: string; host: string; changed: boolean }
  | { event: 'runner_failed'; task: string; host: string; ignored: boolean; msg: string; output: string }
  | { event: 'runner_skipped'; task: string; host: string }
  | { event: 'runner_unreachable'; task: string; host: string; msg: string }
  | { event: 'stats'; hosts: Record<string, { ok: number; changed: number; failures: number; unreachable: number }>; t?: number };

const EVENT_NAMES = new Set(['playbook_start', 'play_start', 'task_start', 'runner_ok', 'runner_failed', 'runner_skipped', 'runner_unreachable', 'stats']);

/** A line of the stream, or undefined for anything that is not one of its events. */
export function parseEventLine(line: string): AnsibleEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as { event?: unknown };
    return typeof value.event === 'string' && EVENT_NAMES.has(value.event) ? (value as AnsibleEvent) : undefined;
  } catch {
    return undefined;
  }
}

export interface HostCounts {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
}

export interface TaskFailure {
  host: string;
  task: string;
  message: string;
  /** The last lines of the task's output, bounded. */
  output: string;
  unreachable: boolean;
}

export interface AnsibleProgress {
  playbook?: string;
  task?: string;
  tasksDone: number;
  /** The tasks the playbook lists (recorded runs, or `--list-tasks`); absent until known. */
  tasksKnown?: number;
  /** How long the run still takes (lib/eta/), when it can be said. */
  remaining?: Remaining;
  hosts: HostCounts;
  failedHosts: string[];
  unreachableHosts: string[];
  failures: TaskFailure[];
}

type HostState = 'ok' | 'changed' | 'failed' | 'unreachable';

// Failures are kept for the operator, so they are bounded: history and heartbeats stay small.
const MAX_FAILURES = 8;
const MAX_OUTPUT_CHARS = 2000;

const tail = (text: string, max: number) => (text.length > max ? `…${text.slice(-max)}` : text);

/** Folds events into progress; `snapshot()` is what heartbeats carry. */
export class ProgressTracker {
  private playbook?: string;
  private task?: string;
  private tasksDone = 0;
  private readonly hostStates = new Map<string, HostState>();
  private readonly failures: TaskFailure[] = [];

  apply(e: AnsibleEvent): void {
    switch (e.event) {
      case 'playbook_start':
        this.playbook = e.playbook;
        break;
      case 'task_start':
        if (this.task !== undefined) this.tasksDone += 1;
        this.task = e.task;
        break;
      case 'runner_ok':
        this.mark(e.host, e.changed ? 'changed' : 'ok');
        break;
      case 'runner_skipped':
        this.mark(e.host, 'ok');
        break;
      case 'runner_failed':
        if (e.ignored) this.mark(e.host, 'ok');
        else this.fail({ host: e.host, task: e.task, message: e.msg, output: e.output, unreachable: false }, 'failed');
        break;
      case 'runner_unreachable':
        this.fail({ host: e.host, task: e.task, message: e.msg, output: '', unreachable: true }, 'unreachable');
        break;
      case 'stats':
        if (this.task !== undefined) this.tasksDone += 1;
        this.task = undefined;
        break;
    }
  }

  private mark(host: string, state: HostState): void {
    const current = this.hostStates.get(host);
    // failed and unreachable stick for the run; changed outranks ok.
    if (current === 'failed' || current === 'unreachable' || (current === 'changed' && state === 'ok')) return;
    this.hostStates.set(host, state);
  }

  private fail(failure: TaskFailure, state: HostState): void {
    this.hostStates.set(failure.host, state);
    this.failures.push({ ...failure, message: tail(failure.message, MAX_OUTPUT_CHARS), output: tail(failure.output, MAX_OUTPUT_CHARS) });
    if (this.failures.length > MAX_FAILURES) this.failures.shift();
  }

  snapshot(): AnsibleProgress {
    const hosts: HostCounts = { ok: 0, changed: 0, failed: 0, unreachable: 0 };
    const failedHosts: string[] = [];
    const unreachableHosts: string[] = [];
    for (const [host, state] of this.hostStates) {
      hosts[state] += 1;
      if (state === 'failed') failedHosts.push(host);
      if (state === 'unreachable') unreachableHosts.push(host);
    }
    return { playbook: this.playbook, task: this.task, tasksDone: this.tasksDone, hosts, failedHosts, unreachableHosts, failures: [...this.failures] };
  }
}
