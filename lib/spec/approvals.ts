// Approval gates (spec.approvals): each entry names a gate, `before-<phase>` of the spec's
// flow, either alone (anyone may approve) or with the people who may approve it. The
// workflow reads gates only through approvalGates.
import { z } from 'zod';
import { phasesOf, type Flow } from '../plan/phases.js';
import type { Installation } from './schema.js';

export interface ApprovalGate {
  gate: string;
  /** Who may approve: OS users, Jira account ids or display names, ServiceNow users. None: anyone. */
  approvers?: string[];
}

// Which gates there are depends on the flow: approvalIssues says, naming them.
const gateName = z.string();
// Printable: no control, formatting (bidirectional overrides, zero-width) or unassigned characters.
const approver = z.string().regex(/^(?=.*\S)\P{C}{1,128}$/u, 'expected a user name: 1 to 128 printable characters');

export const approvalSchema = z.union(
  [gateName, z.strictObject({ gate: gateName, approvers: z.array(approver).min(1, 'expected at least one approver').optional() })],
  { error: 'expected a gate such as before-kubespray, or {gate: before-kubespray, approvers: [alice, bob]}' },
);

/** The gates of the spec, in the order it lists them. */
export function approvalGates(spec: Installation): ApprovalGate[] {
  return (spec.spec.approvals ?? []).map((a) => (typeof a === 'string' ? { gate: a } : { ...a }));
}

const gatesOf = (flow: Flow): string[] => phasesOf(flow).map((p) => `before-${p}`);

/**
 * The rules between the entries and the flow, read from the raw document (like the other
 * cross-field rules, so that they are reported with shape errors elsewhere): each gate names
 * a phase of the flow, once.
 */
export function approvalIssues(flow: Flow, approvals: unknown): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(approvals)) return [];
  const gates = gatesOf(flow);
  const seen = new Map<string, number>();
  return approvals.flatMap((entry: unknown, i) => {
    const named = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? (entry as { gate?: unknown }).gate : undefined;
    if (typeof named !== 'string') return [];
    const path = typeof entry === 'string' ? ['spec', 'approvals', i] : ['spec', 'approvals', i, 'gate'];
    if (!gates.includes(named)) return [{ path, message: `expected one of ${gates.join(', ')}` }];
    const first = seen.get(named);
    if (first === undefined) {
      seen.set(named, i);
      return [];
    }
    return [{ path, message: `expected each gate once; ${named} is also spec.approvals[${first}]` }];
  });
}
