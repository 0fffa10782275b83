// How long a running playbook still takes. With recorded runs: its tasks still to come in the
// order the last complete run met them, each at its recorded time per batch of hosts times the
// batches this run's hosts make, and what is left of the running task, summed as independent
// durations (sum-of-durations.ts). With none (the first run of a release): the run's own pace
// so far over the tasks its playbook lists.
import type { Remaining } from './eta.js';
import type { PlaybookHistory } from './duration-book.js';
import { quantile } from './quantile.js';
import { Z90 } from './small-sample.js';
import { GUESSED_P90, sumOfDurations, type Duration } from './sum-of-durations.js';

export interface LiveRun {
  /** Task keys started so far, in order (RunTimer). */
  started: readonly string[];
  /** When the running task started (seconds since the epoch), if one runs. */
  currentStartedAt?: number;
  startedAt: number;
  now: number;
  /** The tasks the playbook lists (`--list-tasks`), when nothing is recorded. */
  tasksKnown?: number;
  /** ceil(hosts / forks): how many times over each task runs its hosts. */
  batches: number;
}

/** How far to look ahead for the running task in the recorded order (tasks the record lacks are stepped over). */
const LOOKAHEAD = 50;

/** Where the run is in the recorded sequence: the index of its running (last started) task. */
export function sequencePosition(sequence: readonly string[], started: readonly string[]): number {
  let position = -1;
  for (const key of started) {
    const found = sequence.indexOf(key, position + 1);
    position = found >= 0 && found <= position + LOOKAHEAD ? found : position + 1;
  }
  return position;
}

export function playbookRemaining(history: PlaybookHistory, live: LiveRun): Remaining | undefined {
  if (history.runs > 0 && history.sequence.length) return fromHistory(history, live);
  return fromPace(live);
}

/** Tasks the record has no time for take what its typical task takes. */
function typicalTask(tasks: Record<string, Duration>): Duration {
  const all = Object.values(tasks);
  const middle = (values: number[]) => quantile(values, 0.5);
  return { mean: middle(all.map((t) => t.mean)), sd: middle(all.map((t) => t.sd)), samples: Math.round(middle(all.map((t) => t.samples))) };
}

/**
 * What is left of the running task after `elapsed` seconds: its mean and its mean plus Z90
 * standard deviations, each less the time gone by. A task past its recorded time is expected to
 * end any moment, not to take its time again.
 */
function leftOf(task: Duration, elapsed: number): Duration {
  const mean = Math.max(0, task.mean - elapsed);
  const high = Math.max(0, task.mean + Z90 * task.sd - elapsed);
  return { mean, sd: (high - mean) / Z90, samples: task.samples };
}

function fromHistory(history: PlaybookHistory, live: LiveRun): Remaining {
  const typical = typicalTask(history.tasks);
  const stats = (key: string) => scaled(history.tasks[key] ?? typical, live.batches);
  const position = sequencePosition(history.sequence, live.started);
  const parts = history.sequence.slice(position + 1).map(stats);
  const running = live.started.at(-1);
  if (running !== undefined && live.currentStartedAt !== undefined) parts.push(leftOf(stats(running), live.now - live.currentStartedAt));
  const total = sumOfDurations(parts, GUESSED_P90);
  return { p50Seconds: total.p50, p90Seconds: total.p90, runs: history.runs };
}

function fromPace(live: LiveRun): Remaining | undefined {
  const done = live.started.length - (live.currentStartedAt === undefined ? 0 : 1);
  if (!live.tasksKnown || done < 1) return undefined;
  const perTask = (live.now - live.startedAt) / done;
  const p50 = perTask * Math.max(0, live.tasksKnown - done);
  return { p50Seconds: p50, p90Seconds: p50 * GUESSED_P90, runs: 0 };
}

const scaled = (t: Duration, batches: number): Duration => ({ mean: t.mean * batches, sd: t.sd * batches, samples: t.samples });
