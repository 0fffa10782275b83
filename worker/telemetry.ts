// The worker's telemetry, installed once per process: logs as JSON lines on stdout (each with
// the install id, phase and attempt where the line is about one), and Prometheus metrics on
// one /metrics endpoint — the SDK's own (task slots, poll latencies, activity and workflow
// task durations) and the product's (lib/metrics.ts names), all through the SDK's meter.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import { PHASE_SECONDS_BUCKETS, WAIT_SECONDS_BUCKETS } from '../lib/metrics.js';

/** One log line: time, level, message, and the SDK's and the product's fields under short names. */
export function jsonLogLine(entry: LogEntry): string {
  const { workflowId, activityType, attempt, phase, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
  // The task token is an opaque blob that lets its holder complete the task: left out.
  const rest = Object.fromEntries(Object.entries(meta).filter(([key]) => key !== 'taskToken'));
  return JSON.stringify({
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level.toLowerCase(),
    msg: entry.message,
    // The install's workflow id is the install id (install-<name>).
    ...(workflowId !== undefined ? { installId: workflowId } : {}),
    ...(phase !== undefined ? { phase } : {}),
    ...(attempt !== undefined ? { attempt } : {}),
    ...(activityType !== undefined ? { activity: activityType } : {}),
    ...rest,
  });
}

let installed = false;

export function installTelemetry(opts: { metricsAddress: string; logLevel: LogLevel }): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(opts.logLevel, (entry) => process.stdout.write(`${jsonLogLine(entry)}\n`)),
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: opts.metricsAddress,
          useSecondsForDurations: true,
          histogramBucketOverrides: { katonic_phase_duration_seconds: PHASE_SECONDS_BUCKETS, katonic_operator_wait_seconds: WAIT_SECONDS_BUCKETS },
        },
      },
    },
  });
}

/** A line of the worker's own (start-up), in the same JSON shape. */
export const workerLog = (message: string, meta: Record<string, unknown> = {}): void => Runtime.instance().logger.info(message, meta);
