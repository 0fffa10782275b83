// A cluster through its life, as a state machine: the entity workflow (workflows/cluster.ts)
// holds one, its Updates' validators ask it whether an operation may start, and it records how
// each one ended. One operation at a time: a request while another runs is refused, naming the
// running one (a queue would let an upgrade wait days behind a failed scale and then run on a
// cluster nobody looked at since). Pure: the workflow passes the clock.
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../install/actor.js';
import { REFUSAL_TYPES } from '../install/operator-requests.js';
import type { InstallStatus } from '../install/status.js';
import { isFlow, type Flow } from '../plan/phases.js';
import type { Installation } from '../spec/schema.js';
import { specAfterOperation } from './cluster-spec.js';
import type { ClusterStatus, OperationRecord } from './cluster-status.js';
import type { DriftReport } from './live-cluster.js';
import { validateKatonicVersion, validateKubeVersion } from './operation-input.js';
import { describeOperation, type ClusterOperation, type OperationKind } from './operation.js';

/** What an operation's Update carries, before the entity checked it. */
export type OperationRequest = (
  | { kind: 'install'; spec: Installation }
  | { kind: 'scale'; nodesFile: string }
  | { kind: 'remove-node'; node: string }
  | { kind: 'upgrade-kube'; version: string; kubesprayDirs?: string[] }
  | { kind: 'upgrade-katonic'; version: string }
  | { kind: 'reset' }
  | { kind: 'check-drift' }
  /** An install that completed outside the entity (started from the Web UI, resumed, or from before entities): the cluster is what it made. */
  | { kind: 'adopt'; spec: Installation; install: { id: string; status: Pick<InstallStatus, 'state' | 'phases' | 'handoffs'> } }
) & { by?: Actor };

export interface OperationAccepted {
  seq: number;
  description: string;
  /** The child workflow running it (`kinstall status`, `retry`, `approve` and `cancel` take this id). */
  workflowId?: string;
}

/** The most operations the status keeps: about three years of daily drift checks. */
export const LOG_LIMIT = 1000;

const refuse = (message: string, kind: keyof typeof REFUSAL_TYPES = 'conflict') =>
  ApplicationFailure.create({ type: REFUSAL_TYPES[kind], message, nonRetryable: true });

/** Operations a managed cluster's cloud owns, with the reason. */
const CLOUD_OWNS: Partial<Record<OperationKind, string>> = {
  scale: 'the cloud provider adds nodes: resize the node pool (AKS) or node group (EKS)',
  'remove-node': 'the cloud provider removes nodes: resize or delete the node pool (AKS) or node group (EKS)',
  'upgrade-kube': 'the cloud provider upgrades Kubernetes: upgrade the cluster in AKS or EKS, then kinstall drift shows the new version',
};

const bare = (version: string) => version.replace(/^v/, '');

export const clusterWorkflowId = (name: string): string => `cluster-${name}`;

export function newClusterStatus(name: string, createdAt: string, flow: Flow = 'onprem'): ClusterStatus {
  return {
    name,
    flow,
    state: 'new',
    createdAt,
    spec: { apiVersion: 'katonic.ai/v1', kind: 'Installation', metadata: { name }, spec: { flow } } as unknown as Installation,
    nodes: [],
    versions: { katonic: '' },
    lastApplied: {},
    log: [],
  };
}

export class ClusterEntity {
  constructor(
    readonly status: ClusterStatus,
    private readonly now: () => string,
  ) {}

  get name(): string {
    return this.status.name;
  }

  get busy(): boolean {
    return this.status.current !== undefined;
  }

  /** Whether the operation may start now, or why not (the Update's validator; also run again by its handler). */
  validate(request: OperationRequest): void {
    const { status } = this;
    if (!request || typeof request !== 'object' || typeof request.kind !== 'string')
      throw refuse('expected an operation such as {kind: "scale", ...}', 'invalid');
    const current = status.current;
    if (current)
      throw refuse(
        `${this.name} runs one operation at a time: ${current.description} (operation ${current.seq}${current.workflowId ? `, ${current.workflowId}` : ''}) is running; wait for it, or cancel it`,
      );
    if (request.kind === 'install' || request.kind === 'adopt') {
      if (status.state !== 'new' && status.state !== 'reset')
        throw refuse(`${this.name} is installed already (state ${status.state}); kinstall cluster show ${this.name}`);
      if (request.kind === 'adopt' && request.install?.status?.state !== 'completed')
        throw refuse(`adopt: ${request.install?.id} has not completed (state ${request.install?.status?.state}); only a completed install is adopted`);
      const name = (request.spec as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
      if (name !== this.name) throw refuse(`spec metadata.name: expected ${this.name} (the cluster this entity is), got ${JSON.stringify(name)}`, 'invalid');
      return;
    }
    if (status.state === 'reset') throw refuse(`${this.name} was reset${this.lastEnded('reset')}; nothing more runs on it (kinstall start installs it again)`);
    if (status.state !== 'ready') throw refuse(`${this.name} is not installed (state ${status.state}); install it first: kinstall start SPEC`);
    const cloud = status.flow !== 'onprem' ? CLOUD_OWNS[request.kind] : undefined;
    if (cloud) throw refuse(`${request.kind} on ${this.name} (${status.flow}): ${cloud}`);
    switch (request.kind) {
      case 'upgrade-kube': {
        const problem = validateKubeVersion(request.version);
        if (problem) throw refuse(problem, 'invalid');
        return;
      }
      case 'upgrade-katonic': {
        const problem = validateKatonicVersion(request.version);
        if (problem) throw refuse(problem, 'invalid');
        if (request.version === status.versions.katonic) throw refuse(`--katonic: ${this.name} runs Katonic ${request.version} already`, 'invalid');
        return;
      }
      default:
        return;
    }
  }

  /** The operation starts: it is the current one until `finish` (or `abandon`), so no other starts meanwhile. */
  begin(op: ClusterOperation | { kind: 'check-drift' }, by: Actor | undefined): OperationRecord {
    const seq = (this.status.log.at(-1)?.seq ?? 0) + 1;
    const record: OperationRecord = {
      seq,
      kind: op.kind,
      description: describeOperation(op),
      ...(by ? { by } : {}),
      startedAt: this.now(),
      outcome: 'running',
    };
    this.status.current = record;
    this.pushLog(record);
    if (op.kind === 'install') this.status.state = 'installing';
    else if (op.kind !== 'check-drift') this.status.state = 'operating';
    return record;
  }

  /** The operation as it runs (an upgrade's hops are known once its checkouts were read), and the child workflow running it. */
  started(op: ClusterOperation, workflowId: string): void {
    Object.assign(this.status.current!, { description: describeOperation(op), workflowId });
  }

  /** The install's spec, once its Update is accepted: the entity is that cluster from now on. */
  adoptSpec(spec: Installation): void {
    this.status.spec = spec;
    if (isFlow(spec.spec.flow)) this.status.flow = spec.spec.flow;
    this.status.ticket = spec.metadata.ticket ?? this.status.ticket;
    this.refreshFromSpec();
  }

  /** The child workflow ended: with its status (completed) or its failure. */
  finish(op: ClusterOperation, outcome: { status: InstallStatus } | { failed: string; cancelled: boolean }): OperationRecord {
    const record = this.status.current!;
    this.status.current = undefined;
    record.endedAt = this.now();
    if ('status' in outcome) {
      record.outcome = 'completed';
      record.summary = `${outcome.status.phases.length} phases completed`;
      this.status.spec = specAfterOperation(this.status.spec, op);
      this.applied(outcome.status);
      this.refreshFromSpec();
      this.status.state = op.kind === 'reset' ? 'reset' : 'ready';
    } else {
      record.outcome = outcome.cancelled ? 'cancelled' : 'failed';
      record.summary = outcome.failed;
      // A failed install leaves a cluster nobody can operate yet; a failed day-2 operation leaves one that runs (drift tells what it left).
      this.status.state = op.kind === 'install' ? 'new' : 'ready';
    }
    return record;
  }

  /** An install that completed outside the entity: the cluster is what it made, from now on. */
  adopt(spec: Installation, install: { id: string; status: Pick<InstallStatus, 'phases' | 'handoffs'> }, by: Actor | undefined): OperationRecord {
    this.adoptSpec(spec);
    const seq = (this.status.log.at(-1)?.seq ?? 0) + 1;
    const at = this.now();
    const summary = `${install.status.phases.length} phases completed`;
    const record: OperationRecord = {
      seq,
      kind: 'adopt',
      description: `adopt ${install.id}`,
      workflowId: install.id,
      ...(by ? { by } : {}),
      startedAt: at,
      endedAt: at,
      outcome: 'completed',
      summary,
    };
    this.pushLog(record);
    this.applied(install.status);
    this.status.state = 'ready';
    return record;
  }

  /** A drift check's report: the latest is kept, the log says what it found. */
  drifted(report: DriftReport | { failed: string }): void {
    const record = this.status.current!;
    this.status.current = undefined;
    record.endedAt = this.now();
    if ('failed' in report) {
      Object.assign(record, { outcome: 'failed', summary: report.failed });
      return;
    }
    this.status.lastDrift = report;
    const n = report.differences.length;
    Object.assign(record, {
      outcome: 'completed',
      summary: n ? `${n} difference${n > 1 ? 's' : ''}: ${report.differences[0]!.what}${n > 1 ? ', ...' : ''}` : 'no drift',
    });
  }

  /** An operation that could not start after all (its Update's handler found why): said in the log, nothing ran. */
  abandon(why: string): void {
    const record = this.status.current!;
    this.status.current = undefined;
    Object.assign(record, { endedAt: this.now(), outcome: 'refused', summary: why });
    this.status.state = 'ready';
  }

  /** A scheduled drift check that found the cluster busy: said in the log, not run. */
  skipped(kind: OperationKind, why: string): void {
    const seq = (this.status.log.at(-1)?.seq ?? 0) + 1;
    this.pushLog({ seq, kind, description: kind, startedAt: this.now(), endedAt: this.now(), outcome: 'refused', summary: why });
  }

  /** What a completed run left: its phases' input hashes, and the install's admin.conf and EKS Auto Mode reading for the operations after it. */
  private applied(run: Pick<InstallStatus, 'phases' | 'handoffs'>): void {
    for (const phase of run.phases) if (phase.inputHash && phase.state === 'completed') this.status.lastApplied[phase.name] = phase.inputHash;
    const { adminConf, eksAutoMode } = run.handoffs ?? {};
    if (adminConf) this.status.handoffs = { ...this.status.handoffs, adminConf };
    if (eksAutoMode !== undefined) this.status.handoffs = { ...this.status.handoffs, eksAutoMode };
  }

  private refreshFromSpec(): void {
    const { spec } = this.status;
    const onprem = spec.spec.onprem;
    this.status.nodes = (onprem?.nodes ?? []).map((n) => ({ name: n.name, roles: [...n.roles] }));
    this.status.versions = {
      ...(onprem?.kubeVersion ? { kubernetes: bare(onprem.kubeVersion) } : {}),
      katonic: spec.spec.katonic?.version ?? '',
      ...(onprem ? { kubesprayDir: onprem.kubespray.dir } : {}),
    };
  }

  private pushLog(record: OperationRecord): void {
    this.status.log.push(record);
    const over = this.status.log.length - LOG_LIMIT;
    if (over > 0) {
      this.status.log.splice(0, over);
      this.status.logDropped = (this.status.logDropped ?? 0) + over;
    }
  }

  private lastEnded(kind: OperationKind): string {
    const at = [...this.status.log].reverse().find((r) => r.kind === kind && r.outcome === 'completed')?.endedAt;
    return at ? ` at ${at}` : '';
  }
}
