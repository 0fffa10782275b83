// How long a running playbook still takes. With recorded runs: its tasks still to come in the
// order the last complete run met them, each at its recorded time per batch of hosts times the
// batches this run's hosts make, and what is left of the running task. With none (the first
// run of a release): the run's own pace so far over the tasks its playbook lists.
import type { Remaining } from './eta.js';
import type { PlaybookHistory, TaskStats } from './duration-book.js';
import { addSpreads, quantile } from './quantile.js';
import { smallSampleWidening } from './small-sample.js';

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
/** With nothing recorded, the spread is a guess: half as much again. */
const NO_HISTORY_P90 = 1.5;

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
function typicalTask(tasks: Record<string, TaskStats>): { p50: number; p90: number } {
  const all = Object.values(tasks);
  return {
    p50: quantile(
      all.map((t) => t.p50),
      0.5,
    ),
    p90: quantile(
      all.map((t) => t.p90),
      0.5,
    ),
  };
}

function fromHistory(history: PlaybookHistory, live: LiveRun): Remaining {
  const typical = typicalTask(history.tasks);
  const stats = (key: string) => history.tasks[key] ?? typical;
  const position = sequencePosition(history.sequence, live.started);
  const parts = history.sequence.slice(position + 1).map((key) => scaled(stats(key), live.batches));
  const running = live.started.at(-1);
  if (running !== undefined && live.currentStartedAt !== undefined) {
    const { p50, p90 } = scaled(stats(running), live.batches);
    const elapsed = live.now - live.currentStartedAt;
    // A task past its recorded time is expected to end any moment, not to take its time again.
    parts.push({ p50: Math.max(0, p50 - elapsed), p90: Math.max(0, p90 - elapsed) });
  }
  const total = addSpreads(parts);
  const widening = smallSampleWidening(history.runs);
  return { p50Seconds: total.p50, p90Seconds: total.p50 + (total.p90 - total.p50) * widening, runs: history.runs };
}

function fromPace(live: LiveRun): Remaining | undefined {
  const done = live.started.length - (live.currentStartedAt === undefined ? 0 : 1);
  if (!live.tasksKnown || done < 1) return undefined;
  const perTask = (live.now - live.startedAt) / done;
  const p50 = perTask * Math.max(0, live.tasksKnown - done);
  return { p50Seconds: p50, p90Seconds: p50 * NO_HISTORY_P90, runs: 0 };
}

const scaled = (t: { p50: number; p90: number }, batches: number) => ({ p50: t.p50 * batches, p90: t.p90 * batches });
