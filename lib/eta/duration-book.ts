// The durations of past runs that estimates rest on, as one bounded book per task queue (kept
// by the workflow in workflows/task-durations.ts, so a fleet of stateless workers shares it
// with no store of its own). Two kinds of entry:
// - per task of a playbook (scope: the Kubespray release or the installer's own playbooks), its
//   time per batch of hosts (a task runs on `forks` hosts at once), and per playbook the order
//   of its tasks as its last complete run met them;
// - per phase of a flow, its whole duration (what phases still pending are estimated from).
// Bounded three ways: the last SAMPLES samples per entry, at most MAX_TASKS/MAX_PHASES
// entries (the least recently used go first), none older than RETENTION_DAYS.
import { durationOf, GUESSED_P90, sumOfDurations, type Duration } from './sum-of-durations.js';

export const SAMPLES = 20;
export const MAX_TASKS = 3000;
export const MAX_PHASES = 500;
export const MAX_PLAYBOOKS = 200;
export const MAX_SEQUENCE = 2000;
export const RETENTION_DAYS = 180;

/** A playbook as runs of it are compared: the same file under the same release. */
export interface PlaybookKey {
  /** "kubespray v2.31.0", "installer", "katonic-role 3.4.0". */
  scope: string;
  playbook: string;
}

/** What one playbook run leaves in the book. */
export interface PlaybookRunRecord extends PlaybookKey {
  /** Each task that ended: its key (`role : task`), and its seconds per batch of hosts. */
  tasks: { key: string; secondsPerBatch: number }[];
  /** The run completed: its tasks in order are the playbook's sequence from now on. */
  complete: boolean;
}

/** What one phase run leaves in the book. */
export interface PhaseRecord {
  /** The flow and the phase, as phaseKey names them. */
  key: string;
  seconds: number;
}

/** What a playbook run reads before it starts: its tasks in order, their times (per batch), the runs recorded. */
export interface PlaybookHistory {
  sequence: string[];
  tasks: Record<string, Duration>;
  runs: number;
}

/** What pending phases are estimated from: each one's median and 90th percentile. */
export interface PhaseHistory {
  key: string;
  p50: number;
  p90: number;
  samples: number;
}

interface Entry {
  samples: number[];
  /** ISO time of the last sample. */
  at: string;
}

interface PlaybookEntry {
  sequence: string[];
  runs: number;
  at: string;
}

/** The book as plain data: a workflow's continue-as-new argument. */
export interface DurationBookState {
  tasks: Record<string, Entry>;
  playbooks: Record<string, PlaybookEntry>;
  phases: Record<string, Entry>;
}

/** A day-2 upgrade's per-node phases (upgrade-worker-1@1.34.2) share one entry, as do drains. */
export const phaseKey = (flow: string, phase: string): string => `${flow} ${phase.replace(/^upgrade-.+@.+$/, 'upgrade-node')}`;

const playbookId = (k: PlaybookKey) => `${k.scope}\n${k.playbook}`;
const taskId = (k: PlaybookKey, task: string) => `${playbookId(k)}\n${task}`;
const round = (seconds: number) => Math.round(seconds * 100) / 100;

export class DurationBook {
  private readonly state: DurationBookState;

  constructor(
    state: DurationBookState | undefined,
    private readonly now: () => string,
  ) {
    this.state = state ?? { tasks: {}, playbooks: {}, phases: {} };
  }

  recordPlaybookRun(run: PlaybookRunRecord): void {
    const at = this.now();
    for (const task of run.tasks) add(this.state.tasks, taskId(run, task.key), round(task.secondsPerBatch), at);
    const id = playbookId(run);
    const entry = this.state.playbooks[id];
    if (run.complete) {
      delete this.state.playbooks[id];
      this.state.playbooks[id] = { sequence: run.tasks.map((t) => t.key).slice(0, MAX_SEQUENCE), runs: Math.min((entry?.runs ?? 0) + 1, SAMPLES), at };
    }
    trim(this.state.tasks, MAX_TASKS);
    trim(this.state.playbooks, MAX_PLAYBOOKS);
  }

  recordPhase(phase: PhaseRecord): void {
    add(this.state.phases, phase.key, round(phase.seconds), this.now());
    trim(this.state.phases, MAX_PHASES);
  }

  playbookHistory(key: PlaybookKey): PlaybookHistory {
    const entry = this.state.playbooks[playbookId(key)];
    const tasks: Record<string, Duration> = {};
    for (const task of new Set(entry?.sequence ?? [])) {
      const samples = this.state.tasks[taskId(key, task)]?.samples;
      if (samples?.length) tasks[task] = durationOf(samples);
    }
    return { sequence: entry?.sequence ?? [], tasks, runs: entry?.runs ?? 0 };
  }

  phaseHistory(keys: readonly string[]): PhaseHistory[] {
    return keys.flatMap((key) => {
      const samples = this.state.phases[key]?.samples;
      return samples?.length ? [{ key, ...sumOfDurations([durationOf(samples)], GUESSED_P90), samples: samples.length }] : [];
    });
  }

  /** Drops what is older than the retention; what a continue-as-new carries on. */
  snapshot(): DurationBookState {
    const cutoff = Date.parse(this.now()) - RETENTION_DAYS * 86_400_000;
    for (const entries of [this.state.tasks, this.state.playbooks, this.state.phases] as Record<string, { at: string }>[]) {
      for (const [id, entry] of Object.entries(entries)) if (Date.parse(entry.at) < cutoff) delete entries[id];
    }
    return this.state;
  }
}

function add(entries: Record<string, Entry>, id: string, seconds: number, at: string): void {
  const samples = [...(entries[id]?.samples ?? []), seconds].slice(-SAMPLES);
  // Deleted first, so the entry moves to the end: object keys keep insertion order, the least recently used first.
  delete entries[id];
  entries[id] = { samples, at };
}

function trim(entries: Record<string, unknown>, max: number): void {
  const ids = Object.keys(entries);
  for (const id of ids.slice(0, Math.max(0, ids.length - max))) delete entries[id];
}
