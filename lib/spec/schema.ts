// The install spec (YAML, Kubernetes style): its shape and the cross-field rules.
// Every message says what was expected, because `kinstall validate` prints them as they are.
import { z } from 'zod';
import type { ManagedFlow } from '../managed/clouds.js';
import { isFlow } from '../plan/phases.js';
import { varsIssues } from '../vars/vars-issues.js';
import { approvalIssues, approvalSchema } from './approvals.js';
import { kubeVersionProblem } from './kubespray-releases.js';
import { managedIssues, managedSchema } from './managed-schema.js';
import { notifySchema } from './notify-schema.js';
import { secretRef } from './secret-ref.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const KUBE_VERSION = /^v?\d+\.\d+\.\d+$/;
// POSIX portable user names, as useradd accepts them by default.
const POSIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const KATONIC_VERSION = /^\d+(\.\d+){0,3}([-+][0-9A-Za-z.-]{1,40})?$/;
// Jira (OPS-123), ServiceNow (INC0012345), or another tracker's id.
const TICKET = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$/;
// "Ubuntu 20.04", "Rocky Linux 9", or "Debian *" (a trailing "*" matches any version).
const ACCEPTED_OS = /^[A-Za-z][A-Za-z0-9 ._()-]{0,63}( \*)?$/;

export const isIpv4 = (value: string): boolean => IPV4.test(value);
export const isDnsLabel = (value: string): boolean => DNS_LABEL.test(value);
const isHostname = (value: string): boolean => HOSTNAME.test(value) && !/^[\d.]+$/.test(value);

/** A node's or an installation's name (day-2 commands take them on the command line too). */
export const dnsLabelSchema = z.string().regex(DNS_LABEL, 'expected a DNS label: lower-case letters, digits and "-", at most 63 characters');
/** A ticket's id (`kinstall list --ticket` takes one too). */
export const ticketSchema = z.string().regex(TICKET, 'expected a ticket id such as OPS-123 or INC0012345');
const address = z.string().refine((v) => isIpv4(v) || isHostname(v), 'expected an IPv4 address or a host name');
const fqdn = z.string().refine(isHostname, 'expected a fully qualified domain name such as mlops.example.com');
const path = z.string().min(1, 'expected a path').max(4096, 'expected a path of at most 4096 characters');
const absolutePath = path.startsWith('/', 'expected an absolute path');
/** spec.onprem.kubeVersion; also `kinstall upgrade --kube`. */
export const kubeVersionSchema = z.string().regex(KUBE_VERSION, 'expected a Kubernetes version such as 1.33.7');
/** spec.katonic.version; also `kinstall upgrade --katonic`. */
export const katonicVersionSchema = z
  .string({ error: 'expected a version string (quote it in YAML: "4.5")' })
  .regex(KATONIC_VERSION, 'expected a Katonic version such as "4.5" or "5.0.1"');
// An IPv4 address, with a port when it is not 53: 10.0.0.2 or 127.0.0.1:5353.
const dnsServer = z.string().refine((v) => {
  const [ip, port, ...rest] = v.split(':');
  return !rest.length && isIpv4(ip ?? '') && (port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535));
}, 'expected an IPv4 address with an optional port, such as 10.0.0.2 or 127.0.0.1:5353');
const MESH_MODES = ['deploy', 'existing', 'none'] as const;
const meshSchema = z.strictObject({
  mode: z.enum(MESH_MODES, { error: `expected one of ${MESH_MODES.join(', ')}` }),
  // existing: the revision to join when the cluster runs several (e.g. asm-1-24); left out, the only one.
  revision: z.string().regex(DNS_LABEL, 'expected a revision name such as default or asm-1-24').optional(),
  // deploy beside an istiod already on the cluster: only when someone says so.
  besideExisting: z.boolean({ error: 'expected true or false' }).optional(),
});
const positive = z.number().positive('expected a positive number');
const nonNegative = z.number().nonnegative('expected a number >= 0');

export { secretRef };

export const NODE_ROLES = ['control-plane', 'etcd', 'worker'] as const;

/** One node of spec.onprem.nodes; also the shape of the node file `kinstall scale --add` reads. */
export const nodeSchema = z.strictObject({
  name: dnsLabelSchema,
  address,
  // The node's own IP, for Kubespray's ip/access_ip, when address is a host name.
  ip: z.string().refine(isIpv4, 'expected an IPv4 address').optional(),
  roles: z.array(z.enum(NODE_ROLES, { error: `expected one of ${NODE_ROLES.join(', ')}` })).min(1, 'expected at least one role'),
  gpu: z.boolean().optional(),
});

const nodeMinimums = z.strictObject({
  cpus: positive,
  memoryGb: positive,
  osDiskGb: nonNegative,
  extraDiskGb: nonNegative.optional(),
});

const preflight = z.strictObject({
  controlPlane: nodeMinimums.partial().optional(),
  worker: nodeMinimums.partial().optional(),
  // "Ubuntu 20.04"; a trailing "*" matches any version ("Debian *").
  acceptedOs: z
    .array(z.string().regex(ACCEPTED_OS, 'expected an OS such as "Ubuntu 20.04" or "Debian *"'))
    .min(1, 'expected at least one accepted OS')
    .optional(),
});

const nfs = z.strictObject({ server: address, path: absolutePath });
const HOST_VOLUME_SERVICES = ['git', 'postgres', 'mongodb'] as const;

// What the schema fills in for a field a spec leaves out: an accepted spec carries it, so no
// reader applies a default of its own. Phase input hashes leave them out (lib/plan/phase-inputs.ts).
export const SPEC_DEFAULTS = {
  /** spec.verify.settleTimeout: how long verify waits for a cluster that is still settling. */
  settleTimeout: '5m',
  /** spec.onprem.storage.hostVolumes.services: every service keeps its data on host volumes. */
  hostVolumeServices: HOST_VOLUME_SERVICES,
} as const;

const storage = z.strictObject({
  kind: z.enum(['nfs', 'hostVolumes'], { error: 'expected nfs or hostVolumes' }),
  nfs: nfs.optional(),
  hostVolumes: z
    .strictObject({
      root: absolutePath,
      services: z
        .array(z.enum(HOST_VOLUME_SERVICES, { error: `expected one of ${HOST_VOLUME_SERVICES.join(', ')}` }))
        .default(() => [...SPEC_DEFAULTS.hostVolumeServices]),
    })
    .optional(),
  // check: the node playbook runs in Ansible's check mode and changes nothing (tests, the demo).
  prepareNodes: z.enum(['apply', 'check'], { error: 'expected apply or check' }).optional(),
});

const onpremShape = {
  kubespray: z.strictObject({
    dir: path,
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+$/, 'expected a Kubespray release such as v2.31.0')
      .optional(),
  }),
  kubeVersion: kubeVersionSchema.optional(),
  connection: z.enum(['ssh', 'local'], { error: 'expected ssh or local' }).optional(),
  nodes: z.array(nodeSchema).min(1, 'expected at least one node'),
  ssh: z
    .strictObject({
      user: z.string().regex(POSIX_USER, 'expected a POSIX user name: lower-case letters, digits, "_" and "-", at most 32 characters'),
      privateKeyRef: secretRef,
      port: z.number().int().min(1).max(65535).optional(),
    })
    .optional(),
  storage,
  preflight: preflight.optional(),
};

const duration = z.string().regex(/^\d+(s|m|h|d)$/, 'expected a duration such as 90s, 30m, 8h or 2d');
const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const seconds = (d: string) => Number(d.slice(0, -1)) * SECONDS_PER_UNIT[d.at(-1) as keyof typeof SECONDS_PER_UNIT];
// A phase's activity heartbeats at least every 2 s (worker/create-worker.ts): 5 s leaves room for two.
// Text that is no duration has its error already: NaN seconds are not also "less than 5s".
const heartbeatTimeout = duration.refine((d) => !(seconds(d) < 5), 'expected a duration of at least 5s, such as 10s or 30s');

/** A section the flow needs: missing, it says so; otherwise its own errors. */
const requiredFor = <Shape extends z.core.$ZodLooseShape>(shape: Shape, missing: string) =>
  z.strictObject(shape, { error: (issue) => (issue.input === undefined ? missing : undefined) });
/** A section of another flow: refused whatever it holds. */
const refusedFor = (message: string) => z.never({ error: message }).optional();

// What every flow's spec has besides its flow and its section.
const sharedSpec = {
  katonic: z.strictObject({
    version: katonicVersionSchema,
    fqdn,
    roleDir: path,
    // The CA bundle the front door's certificate chains to, where that is not a public CA.
    tls: z.strictObject({ caRef: secretRef }).optional(),
    // DNS servers that preflight and verify ask for the FQDN; left out, the worker's resolver.
    dnsServers: z.array(dnsServer).min(1, 'expected at least one DNS server').max(4, 'expected at most 4 DNS servers').optional(),
    // Istio for encryption in transit (lib/spec/mesh-settings.ts): the role deploys it, uses a
    // mesh already on the cluster, or none. Left out: deploy.
    mesh: meshSchema.optional(),
  }),
  approvals: z.array(approvalSchema).optional(),
  // How long a gate waits for `kinstall approve` before the install is cancelled, e.g. "30m".
  approvalTimeout: duration.optional(),
  // How long a phase's activity may go without a heartbeat before its worker counts as lost and
  // the phase is tried again on a worker that answers (workflows/phase-steps.ts; default 30s).
  heartbeatTimeout: heartbeatTimeout.optional(),
  // How long verify waits for a cluster that is still settling before it asks for an operator.
  // The front door and the storage smoke may be turned off (a load balancer that comes later,
  // CSI drivers that need credentials); they are then reported as skipped. Defaults:
  // lib/spec/verify-settings.ts.
  verify: z
    .strictObject({
      settleTimeout: duration.default(SPEC_DEFAULTS.settleTimeout),
      frontDoor: z.boolean({ error: 'expected true or false' }).optional(),
      storageSmoke: z.boolean({ error: 'expected true or false' }).optional(),
      bindTimeout: duration.optional(),
    })
    .prefault({}),
  extraVars: z.record(z.string(), z.unknown()).optional(),
  // Comments on the install's ticket as it goes (lib/spec/notify-schema.ts).
  notify: notifySchema.optional(),
};

const onpremFlowSpec = z.strictObject({
  flow: z.literal('onprem'),
  ...sharedSpec,
  onprem: requiredFor(onpremShape, 'expected onprem settings when spec.flow is onprem'),
  managed: refusedFor('expected no managed settings when spec.flow is onprem (they are for the aks and eks flows)'),
});

const managedFlowSpec = <Flow extends ManagedFlow>(flow: Flow) =>
  z.strictObject({
    flow: z.literal(flow),
    ...sharedSpec,
    managed: requiredFor(managedSchema.shape, `expected managed settings (kubeconfigRef, blobStore) when spec.flow is ${flow}`),
    onprem: refusedFor(`expected no onprem settings when spec.flow is ${flow} (they are for the onprem flow)`),
  });

/**
 * What every flow's spec has: checked on its own when the flow is none of the three (the union
 * then knows no shape to check), so that the spec's other errors are listed with the flow's.
 */
export const anyFlowSpecSchema = z.strictObject({
  ...sharedSpec,
  flow: z.unknown().optional(),
  onprem: z.unknown().optional(),
  managed: z.unknown().optional(),
});

export const installationSchema = z.strictObject({
  apiVersion: z.literal('katonic.ai/v1', { error: 'expected katonic.ai/v1' }),
  kind: z.literal('Installation', { error: 'expected Installation' }),
  metadata: z.strictObject({ name: dnsLabelSchema, ticket: ticketSchema.optional() }),
  // One shape per flow: the flow decides which section the spec has (and refuses the other's).
  spec: z.discriminatedUnion('flow', [onpremFlowSpec, managedFlowSpec('aks'), managedFlowSpec('eks')], {
    error: (issue) => (issue.code === 'invalid_union' ? 'expected onprem, aks or eks' : undefined),
  }),
});

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

// The cross-field rules read the raw document defensively, so that they are reported
// together with shape errors elsewhere (a bad address does not hide a duplicate name).
type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function repeatedValues(values: unknown[]): Set<unknown> {
  const seen = new Set<unknown>();
  const repeated = new Set<unknown>();
  for (const v of values) if (typeof v === 'string') (seen.has(v) ? repeated : seen).add(v);
  return repeated;
}

function onpremIssues(o: Raw): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const at = (...p: (string | number)[]) => ['spec', 'onprem', ...p];
  const nodes = arr(o.nodes).map((n) => obj(n) ?? {});
  if (nodes.length) {
    const withRole = (role: NodeRole) => nodes.filter((n) => arr(n.roles).includes(role)).length;
    if (!withRole('control-plane')) issues.push({ path: at('nodes'), message: 'expected at least one node with the role control-plane' });
    if (!withRole('worker')) issues.push({ path: at('nodes'), message: "expected at least one node with the role worker (Kubespray's kube_node group)" });
    if (withRole('etcd') % 2 === 0) issues.push({ path: at('nodes'), message: `expected an odd number of etcd members, got ${withRole('etcd')}` });
    for (const key of ['name', 'address'] as const) {
      const repeated = repeatedValues(nodes.map((n) => n[key]));
      nodes.forEach((n, i) => {
        if (repeated.has(n[key])) issues.push({ path: at('nodes', i, key), message: `expected a unique ${key}; "${String(n[key])}" is used by another node` });
      });
    }
  }
  const kubespray = obj(o.kubespray);
  if (typeof kubespray?.version === 'string' && typeof o.kubeVersion === 'string') {
    const problem = kubeVersionProblem(kubespray.version, o.kubeVersion);
    if (problem) issues.push({ path: at('kubeVersion'), message: problem });
  }
  if ((o.connection ?? 'ssh') === 'ssh' && o.ssh === undefined)
    issues.push({ path: at('ssh'), message: 'expected ssh settings (user, privateKeyRef) when connection is ssh' });
  const storage = obj(o.storage);
  if (storage) {
    const { kind } = storage;
    if (storage.nfs === undefined) {
      issues.push({
        path: at('storage', 'nfs'),
        message:
          kind === 'hostVolumes'
            ? 'expected nfs settings (server, path): kfs (ReadWriteMany) is served over NFS also with host volumes'
            : 'expected nfs settings (server, path) when kind is nfs',
      });
    }
    if (kind === 'hostVolumes' && storage.hostVolumes === undefined)
      issues.push({ path: at('storage', 'hostVolumes'), message: 'expected hostVolumes settings (root) when kind is hostVolumes' });
    if (kind === 'nfs' && storage.hostVolumes !== undefined)
      issues.push({ path: at('storage', 'hostVolumes'), message: 'expected no hostVolumes settings when kind is nfs' });
  }
  return issues;
}

/** spec.katonic.mesh: each setting only with the mode it is for; no mesh to join on-prem. */
function meshIssues(flow: unknown, mesh: Record<string, unknown>): SpecIssue[] {
  const at = (field: string) => ['spec', 'katonic', 'mesh', field];
  const issues: SpecIssue[] = [];
  // Kubespray deploys no Istio: an on-prem cluster has no mesh to join when the install starts.
  if (flow === 'onprem' && mesh.mode === 'existing')
    issues.push({ path: at('mode'), message: 'expected deploy or none for flow onprem: Kubespray deploys no mesh to join' });
  if (mesh.revision !== undefined && mesh.mode !== 'existing')
    issues.push({ path: at('revision'), message: 'expected no revision unless mode is existing (the revision of the mesh to join)' });
  if (mesh.besideExisting !== undefined && mesh.mode !== 'deploy')
    issues.push({ path: at('besideExisting'), message: 'expected no besideExisting unless mode is deploy' });
  return issues;
}

/** The rules that relate fields to each other. */
export function crossFieldIssues(doc: unknown): SpecIssue[] {
  const spec = obj(obj(doc)?.spec);
  if (!spec) return [];
  const issues: SpecIssue[] = [];
  const flow = spec.flow;
  const onpremSpec = obj(spec.onprem);
  const managedSpec = obj(spec.managed);
  // Which section a flow needs, and that it has no other, is the schema's to say.
  if (flow === 'onprem' && onpremSpec) issues.push(...onpremIssues(onpremSpec));
  const mesh = obj(obj(spec.katonic)?.mesh);
  if (mesh) issues.push(...meshIssues(flow, mesh));
  if ((flow === 'aks' || flow === 'eks') && managedSpec) issues.push(...managedIssues(flow, managedSpec));
  if (isFlow(flow)) issues.push(...approvalIssues(flow, spec.approvals));
  if (spec.extraVars !== undefined) issues.push(...varsIssues(spec.extraVars, ['spec', 'extraVars']));
  if (obj(spec.notify)?.jira !== undefined && obj(obj(doc)?.metadata)?.ticket === undefined)
    issues.push({
      path: ['metadata', 'ticket'],
      message: 'expected the Jira issue key (such as OPS-123) when spec.notify.jira is set: comments go on that issue',
    });
  return issues;
}

type ParsedInstallation = z.infer<typeof installationSchema>;
type WithSpec<Spec> = Omit<ParsedInstallation, 'spec'> & { spec: Spec };
export type OnpremInstallation = WithSpec<Extract<ParsedInstallation['spec'], { flow: 'onprem' }>>;
export type ManagedInstallation = WithSpec<Extract<ParsedInstallation['spec'], { flow: ManagedFlow }>>;
/** An accepted spec, defaults filled in: one type per flow, told apart by isOnpremInstallation. */
export type Installation = OnpremInstallation | ManagedInstallation;
export type OnpremSpec = OnpremInstallation['spec']['onprem'];
export type NodeSpec = z.infer<typeof nodeSchema>;

/** The schema's output as the union of its flows (TypeScript does not split an object on a nested discriminant). */
export function byFlow(parsed: ParsedInstallation): Installation {
  const { spec, ...rest } = parsed;
  return spec.flow === 'onprem' ? { ...rest, spec } : { ...rest, spec };
}
export type NodeRole = (typeof NODE_ROLES)[number];

export const isOnpremInstallation = (doc: Installation): doc is OnpremInstallation => doc.spec.flow === 'onprem';
