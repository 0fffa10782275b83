// How each workflow type moves between Worker Deployment Versions (builds), the one place it is
// decided; docs/development.md ("Changing workflow code under running installs") says why, type
// by type, and test/versioning-behaviors.test.ts holds that table and this one to each other.
// PINNED: a run stays on the build that started it. AUTO_UPGRADE: its next workflow task goes to
// the deployment's current build, which replays the history (so changes stay behind patched()).
import type { VersioningBehavior } from '@temporalio/common';

export const VERSIONING_BEHAVIORS = {
  // Waits days at approval gates: pinned, every old build would run until its slowest install ends.
  install: 'AUTO_UPGRADE',
  // The same runbook and gates as install.
  clusterOperation: 'AUTO_UPGRADE',
  // Busy (no continue-as-new) while its operation's child waits at a gate: pinned until its next
  // continue-as-new would hold an old build as long as a pinned install.
  cluster: 'AUTO_UPGRADE',
  // Never ends: pinned, its build would never drain.
  taskDurations: 'AUTO_UPGRADE',
  // Lives as long as its install's run.
  ticketStatus: 'AUTO_UPGRADE',
  // Retries a ticket system that is down for up to about an hour.
  ticketComment: 'AUTO_UPGRADE',
  // One signal, over in a second: it never meets another build, so a change to it needs no patch.
  scheduledDriftCheck: 'PINNED',
} as const satisfies Record<string, VersioningBehavior>;

export type WorkflowType = keyof typeof VERSIONING_BEHAVIORS;

/**
 * What a versioned worker gives a workflow type missing from the table (the SDK asks for one):
 * the behavior that is right for any workflow that keeps the patched() rule. None is missing
 * (test/versioning-behaviors.test.ts).
 */
export const DEFAULT_VERSIONING_BEHAVIOR: VersioningBehavior = 'AUTO_UPGRADE';
