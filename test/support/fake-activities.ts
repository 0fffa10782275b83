// Scripted stand-ins for the worker's activities, for the time-skipping workflow tests: each
// phase activity does what the test's script says for that install (succeed, fail, hang until
// cancelled), and every call goes into an in-memory journal the test asserts on. checkSpec is
// the real one (pure); the others answer as a server without an operator service would.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { checkSpec } from '../../activities/check-spec.js';
import { adoptIntoCluster, planKubeHops } from '../../activities/cluster.js';
import { expectedPhases, recordPhaseDurations } from '../../activities/durations.js';
import { postTicketComment } from '../../activities/ticket-comment.js';
import type { TicketSystem, TicketTarget } from '../../activities/ticket-request.js';
import { updateTicketStatus } from '../../activities/ticket-status.js';
import type { InstallActivities, PhaseActivities } from '../../activities/index.js';
import type { HostCounts, TaskFailure } from '../../lib/ansible/events.js';
import type { Handoffs, PhaseInput, PhaseResult } from '../../lib/install/phase-io.js';
import type { ActivityName } from '../../lib/plan/phases.js';
import type { DriftReport } from '../../lib/cluster/live-cluster.js';

export type Outcome =
  | { kind: 'succeed'; summary: string; hosts?: HostCounts }
  | { kind: 'fail'; type: string; nonRetryable: boolean; failedHosts: string[]; unreachableHosts: string[]; failures: TaskFailure[] }
  | { kind: 'hang' };

export const succeed = (summary = 'done', hosts?: HostCounts): Outcome => ({ kind: 'succeed', summary, hosts });

export const fail = (
  opts: { type?: string; nonRetryable?: boolean; failedHosts?: string[]; unreachableHosts?: string[]; failures?: TaskFailure[] } = {},
): Outcome => ({
  kind: 'fail',
  type: opts.type ?? 'PlaybookFailed',
  nonRetryable: opts.nonRetryable ?? false,
  failedHosts: opts.failedHosts ?? [],
  unreachableHosts: opts.unreachableHosts ?? [],
  failures: opts.failures ?? [],
});

/** Heartbeats until the activity is cancelled (by the workflow, a terminate, a worker shutdown). */
export const hang: Outcome = { kind: 'hang' };

export const times = (n: number, outcome: Outcome): Outcome[] => Array.from({ length: n }, () => outcome);

/** What the real activities hand on (lib/install/phase-io.ts Handoffs), in the same shapes. */
const HANDOFFS: Partial<Record<ActivityName, Handoffs>> = {
  writeInventory: { inventoryDigest: `sha256:${'0'.repeat(64)}` },
  runKubespray: { adminConf: { sealed: 'fake-admin-conf' } },
};

/** Per activity, the outcomes of its calls in order; a call past the end of its list succeeds. */
export type Script = Partial<Record<ActivityName, Outcome[]>>;

export interface Call {
  install: string;
  activity: ActivityName;
  attempt: number;
  limitHosts?: string[];
  /** What the workflow told the phase of verify's checks (patch seed-checks). */
  seedChecks?: boolean;
  outcome: Outcome['kind'];
  /** A hung call: the reason its cancellation came with (CANCELLED when the workflow asked). */
  cancelled?: string;
}

interface Waiter {
  matches: (call: Call) => boolean;
  resolve: (call: Call) => void;
}

// Short, so that a hung activity learns of its cancellation (the answer to a heartbeat) at once.
const HEARTBEAT_MS = 20;

/** A Jira token that does not resolve goes to the real activity, which refuses it before any request. */
function unresolvedJiraToken(system: TicketSystem, target: TicketTarget): boolean {
  const ref = target.notify.jira?.tokenRef;
  return system === 'jira' && !!ref?.startsWith('env:') && process.env[ref.slice(4)] === undefined;
}

export class FakeActivities {
  private readonly scripts = new Map<string, Script>();
  private readonly journal: Call[] = [];
  private waiters: Waiter[] = [];
  /** The ticket comments posted, as `<install id> <event kind>`. */
  readonly comments: string[] = [];
  /** The live statuses set on tickets, in order, as `<install id> <system> <state>[ <phase>] <done>/<total>`. */
  readonly statuses: string[] = [];
  /** What the drift checks of each cluster find, check by check (none left: no drift). */
  readonly driftFindings = new Map<string, DriftReport['differences'][]>();
  /** The drift Schedules created and deleted, as `create <name>` / `delete <name>`. */
  readonly schedules: string[] = [];

  /** `cancel`: requests the cancellation of a run through the server, as the real activity does with the worker's client. */
  constructor(private readonly cancel: (workflowId: string, runId: string) => Promise<void>) {}

  /** What the phase activities of install `name` do, call by call. */
  script(name: string, script: Script): void {
    this.scripts.set(name, Object.fromEntries(Object.entries(script).map(([activity, outcomes]) => [activity, [...outcomes]])));
  }

  /** Every call the phase activities of `name` got, in order. */
  calls(name: string): Call[] {
    return this.journal.filter((c) => c.install === name);
  }

  /** The activities `name` ran, one entry per call. */
  activitiesRun(name: string): ActivityName[] {
    return this.calls(name).map((c) => c.activity);
  }

  /** Resolves with the first call (already made or to come) of `name` that `matches`. */
  when(name: string, matches: (call: Call) => boolean): Promise<Call> {
    const done = this.calls(name).find(matches);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.push({ matches: (c) => c.install === name && matches(c), resolve }));
  }

  /** Resolves when `activity` of `name` has started hanging. */
  hanging(name: string, activity: ActivityName): Promise<Call> {
    return this.when(name, (c) => c.activity === activity && c.outcome === 'hang');
  }

  /** Resolves when a hung `activity` of `name` has seen its cancellation. */
  sawCancellation(name: string, activity: ActivityName): Promise<Call> {
    return this.when(name, (c) => c.activity === activity && c.cancelled !== undefined);
  }

  private note(call: Call): void {
    const ready = this.waiters.filter((w) => w.matches(call));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(call);
  }

  private async run(activity: ActivityName, input: PhaseInput): Promise<PhaseResult> {
    const { attempt } = Context.current().info;
    const install = input.spec.metadata.name;
    const outcome = this.scripts.get(install)?.[activity]?.shift() ?? succeed();
    const call: Call = { install, activity, attempt, limitHosts: input.limitHosts, seedChecks: input.seedChecks, outcome: outcome.kind };
    this.journal.push(call);
    this.note(call);
    switch (outcome.kind) {
      case 'succeed':
        return { attempt, summary: outcome.summary, hosts: outcome.hosts, ...HANDOFFS[activity] };
      case 'fail': {
        const { type, nonRetryable, failedHosts, unreachableHosts, failures } = outcome;
        throw ApplicationFailure.create({
          type,
          nonRetryable,
          message: `${activity} failed (scripted)`,
          details: [{ failedHosts, unreachableHosts, failures, attempt }],
        });
      }
      case 'hang':
        try {
          for (;;) {
            Context.current().heartbeat();
            await Context.current().sleep(HEARTBEAT_MS);
          }
        } catch (err) {
          if (err instanceof CancelledFailure) {
            call.cancelled = err.message;
            this.note(call);
          }
          throw err;
        }
    }
  }

  /** The activities to register on the test worker, under the names the workflow calls. */
  activities(): InstallActivities {
    const phase = (activity: ActivityName) => (input: PhaseInput) => this.run(activity, input);
    const phases: PhaseActivities = {
      preflight: phase('preflight'),
      checkManagedCluster: phase('checkManagedCluster'),
      writeInventory: phase('writeInventory'),
      runKubespray: phase('runKubespray'),
      prepareStorageNodes: phase('prepareStorageNodes'),
      applyStorageClasses: phase('applyStorageClasses'),
      runKatonicRole: phase('runKatonicRole'),
      verifyCluster: phase('verifyCluster'),
      gatherKubesprayFacts: phase('gatherKubesprayFacts'),
      runKubesprayScale: phase('runKubesprayScale'),
      drainNode: phase('drainNode'),
      runKubesprayRemoveNode: phase('runKubesprayRemoveNode'),
      checkDrains: phase('checkDrains'),
      upgradeNode: phase('upgradeNode'),
      runKubesprayReset: phase('runKubesprayReset'),
      removeKatonic: phase('removeKatonic'),
    };
    return {
      checkSpec,
      // The test server has no operator service to list them: none, as the real one answers then.
      registeredSearchAttributes: async () => [],
      requestCancellation: (workflowId, runId) => this.cancel(workflowId, runId),
      postTicketComment: async (system, target, event) => {
        if (unresolvedJiraToken(system, target)) return postTicketComment(system, target, event);
        this.comments.push(`${event.id} ${event.kind}`);
      },
      updateTicketStatus: async (system, target, live) => {
        if (unresolvedJiraToken(system, target)) return updateTicketStatus(system, target, live);
        this.statuses.push(`${live.id} ${system} ${live.state}${live.phase ? ` ${live.phase}` : ''} ${live.phasesDone}/${live.phasesTotal}`);
      },
      ...phases,
      // Reads the spec's Kubespray checkouts from disk, as the worker does (the tests name the stand-in's).
      planKubeHops,
      // The real ones: through the worker's client to the test server, as a worker does.
      adoptIntoCluster,
      expectedPhases,
      recordPhaseDurations,
      checkDrift: async ({ spec }) => {
        this.journal.push({ install: spec.metadata.name, activity: 'checkDrift' as ActivityName, attempt: Context.current().info.attempt, outcome: 'succeed' });
        return { checkedAt: new Date().toISOString(), differences: this.driftFindings.get(spec.metadata.name)?.shift() ?? [] };
      },
      ensureDriftSchedule: async ({ name }) => void this.schedules.push(`create ${name}`),
      removeDriftSchedule: async ({ name }) => void this.schedules.push(`delete ${name}`),
    };
  }
}
