// When each phase's activities ran, read from an install's workflow history (what the server
// recorded, not what the worker says), and the gaps between one phase's end and the next one's
// start. Pure: the history is fetched by the caller.
import type { temporal } from '@temporalio/proto';
import { planOf, type Flow } from '../../lib/plan/phases.js';

type Timestamp = temporal.api.history.v1.IHistoryEvent['eventTime'];

/** Milliseconds of a timestamp, whether its seconds are a Long (fetched) or a number (read from JSON). */
const timeMs = (t: Timestamp): number => Number(String(t?.seconds ?? 0)) * 1000 + (t?.nanos ?? 0) / 1e6;

export interface ActivityRun {
  activity: string;
  scheduledMs: number;
  /** The start of its last attempt. */
  startedMs?: number;
  completedMs?: number;
}

/** Every activity the history scheduled, in order, with the times the server recorded. */
export function activityRuns(history: temporal.api.history.v1.IHistory): ActivityRun[] {
  const runs = new Map<string, ActivityRun>();
  for (const e of history.events ?? []) {
    const at = timeMs(e.eventTime);
    if (e.activityTaskScheduledEventAttributes) runs.set(String(e.eventId), { activity: e.activityTaskScheduledEventAttributes.activityType?.name ?? '', scheduledMs: at });
    const started = e.activityTaskStartedEventAttributes;
    if (started) runs.get(String(started.scheduledEventId))!.startedMs = at;
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) runs.get(String(completed.scheduledEventId))!.completedMs = at;
  }
  return [...runs.values()];
}

export interface PhaseGap {
  from: string;
  to: string;
  /** From the last activity of `from` completed to the first of `to` scheduled: the workflow's own hand-over. */
  toScheduledMs: number;
  /** ... to it started on a worker: the hand-over and the wait for a free activity slot. */
  toStartedMs: number;
}

/** The gaps between consecutive phases of a flow that both ran and completed (a phase's own steps are not phase gaps). */
export function phaseGaps(flow: Flow, runs: ActivityRun[]): PhaseGap[] {
  const phaseOf = new Map(planOf(flow).flatMap((phase) => phase.steps.map((step) => [step.activity as string, phase.name])));
  const gaps: PhaseGap[] = [];
  for (let i = 1; i < runs.length; i++) {
    const [before, next] = [runs[i - 1]!, runs[i]!];
    const [from, to] = [phaseOf.get(before.activity), phaseOf.get(next.activity)];
    if (!from || !to || from === to || before.completedMs === undefined || next.startedMs === undefined) continue;
    gaps.push({ from, to, toScheduledMs: next.scheduledMs - before.completedMs, toStartedMs: next.startedMs - before.completedMs });
  }
  return gaps;
}

/** Run `activity`'s time from scheduled to completed (queueing on the task queue included). */
export function activityDurationMs(runs: ActivityRun[], activity: string): number | undefined {
  const run = runs.find((r) => r.activity === activity);
  return run?.completedMs === undefined ? undefined : run.completedMs - run.scheduledMs;
}
