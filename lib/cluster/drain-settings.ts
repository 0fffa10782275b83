// How long a drain waits, by Kubespray's own variables for its drains (roles/upgrade/pre-upgrade
// defaults): drain_timeout ("360s") and drain_grace_period (seconds), from spec.extraVars or a
// retry's --vars, so one setting governs our drain and Kubespray's.
const DEFAULT_TIMEOUT_SECONDS = 360;

/** Seconds from "360s", "6m", 360 or "360"; undefined when the value is not such a duration. */
function seconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^(\d+)(s|m|h)?$/.exec(value.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

export function drainSettings(vars: Record<string, unknown>): { timeoutSeconds: number; gracePeriodSeconds?: number } {
  const grace = seconds(vars.drain_grace_period);
  return { timeoutSeconds: seconds(vars.drain_timeout) ?? DEFAULT_TIMEOUT_SECONDS, ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}) };
}
