// When each phase's activities ran, read from an install's workflow history (what the server
// recorded, not what the worker says), and the gaps between one phase's end and the next one's
// start. Pure: the history is fetched by the caller.
import type { temporal } from '@temporalio/proto';
import { planOf, type Flow } from '../../lib/plan/phases.js';

type Timestamp = temporal.api.history.v1.IHistoryEvent['eventTime'];

/** Milliseconds of a timestamp, whether its seconds are a Long (fetched) or a number (read from JSON). */
const timeMs = (t: Timestamp): number => Number(String(t?.seconds ?? 0)) * 1000 + (t?.nanos ?? 0) / 1e6;

/** A workflow task: scheduled by the server, started when a worker took it, completed when the workflow code had run. */
export interface WorkflowTaskTimes {
  scheduledMs: number;
  startedMs: number;
  completedMs: number;
}

export interface ActivityRun {
  activity: string;
  scheduledMs: number;
  /** The workflow task whose commands scheduled it. */
  scheduledBy?: WorkflowTaskTimes;
  /** The start of its last attempt. */
  startedMs?: number;
  completedMs?: number;
}

/** Every activity the history scheduled, in order, with the times the server recorded. */
export function activityRuns(history: temporal.api.history.v1.IHistory): ActivityRun[] {
  const runs = new Map<string, ActivityRun>();
  const events = new Map((history.events ?? []).map((e) => [String(e.eventId), e]));
  const at = (id: unknown) => timeMs(events.get(String(id))?.eventTime);
  const workflowTask = (completedId: unknown): WorkflowTaskTimes | undefined => {
    const startedId = events.get(String(completedId))?.workflowTaskCompletedEventAttributes?.startedEventId;
    const scheduledId = events.get(String(startedId))?.workflowTaskStartedEventAttributes?.scheduledEventId;
    return scheduledId ? { scheduledMs: at(scheduledId), startedMs: at(startedId), completedMs: at(completedId) } : undefined;
  };
  for (const e of history.events ?? []) {
    const at = timeMs(e.eventTime);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled)
      runs.set(String(e.eventId), {
        activity: scheduled.activityType?.name ?? '',
        scheduledMs: at,
        scheduledBy: workflowTask(scheduled.workflowTaskCompletedEventId),
      });
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
  /** Of the hand-over: the workflow task that scheduled `to`, waiting for a worker to take it... */
  workflowTaskQueuedMs?: number;
  /** ... and the worker running it (the workflow code, the SDK, the codec). */
  workflowTaskRunMs?: number;
}

/** The gaps between consecutive phases of a flow that both ran and completed (a phase's own steps are not phase gaps). */
export function phaseGaps(flow: Flow, runs: ActivityRun[]): PhaseGap[] {
  const phaseOf = new Map(planOf(flow).flatMap((phase) => phase.steps.map((step) => [step.activity as string, phase.name])));
  const gaps: PhaseGap[] = [];
  for (let i = 1; i < runs.length; i++) {
    const [before, next] = [runs[i - 1]!, runs[i]!];
    const [from, to] = [phaseOf.get(before.activity), phaseOf.get(next.activity)];
    if (!from || !to || from === to || before.completedMs === undefined || next.startedMs === undefined) continue;
    const task = next.scheduledBy;
    gaps.push({
      from,
      to,
      toScheduledMs: next.scheduledMs - before.completedMs,
      toStartedMs: next.startedMs - before.completedMs,
      workflowTaskQueuedMs: task && task.startedMs - task.scheduledMs,
      workflowTaskRunMs: task && task.completedMs - task.startedMs,
    });
  }
  return gaps;
}

/** Run `activity`'s time from scheduled to completed (queueing on the task queue included). */
export function activityDurationMs(runs: ActivityRun[], activity: string): number | undefined {
  const run = runs.find((r) => r.activity === activity);
  return run?.completedMs === undefined ? undefined : run.completedMs - run.scheduledMs;
}

export interface SlotWaits {
  /** The steps that run Ansible (lib/plan/phases.ts `runsAnsible`): they wait for the worker's few Ansible slots. */
  ansible: number[];
  /** Every other activity: API steps, the inventory, the durations book, adopting into the cluster. */
  light: number[];
}

/**
 * Each activity's wait for a worker's slot, scheduled to started, in ms (the start of its last
 * attempt: a retried one's wait includes its earlier attempts), split by what the plan says of it.
 */
export function slotWaits(flow: Flow, runs: ActivityRun[]): SlotWaits {
  const ansible = new Set(planOf(flow).flatMap((phase) => phase.steps.flatMap((step) => (step.runsAnsible ? [step.activity as string] : []))));
  const waits: SlotWaits = { ansible: [], light: [] };
  for (const run of runs) if (run.startedMs !== undefined) (ansible.has(run.activity) ? waits.ansible : waits.light).push(run.startedMs - run.scheduledMs);
  return waits;
}
