// A StorageClass's provisioner, parameters, reclaim policy and binding mode cannot change once
// it exists: the API server refuses the update. So a class that already exists with other
// values is reported, field by field, instead of being applied over.
import { INSTALLER_LABELS, type KubeObject } from './storage-objects.js';

/** The fields of a StorageClass the API server will not let an update change. */
const IMMUTABLE_FIELDS = ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'] as const;

/** What the API server fills in when a class leaves them out. */
const DEFAULTS: Record<(typeof IMMUTABLE_FIELDS)[number], unknown> = {
  provisioner: undefined,
  parameters: {},
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

export interface StorageClassFieldDifference {
  field: (typeof IMMUTABLE_FIELDS)[number];
  existing: string;
  wanted: string;
}

export interface StorageClassConflict extends StorageClassFieldDifference {
  name: string;
}

const show = (value: unknown): string =>
  value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value, Object.keys((value ?? {}) as object).sort());

/** The immutable fields two classes differ in, the API server's defaults filled in (also what a drift check compares). */
export function immutableFieldDifferences(existing: Record<string, unknown>, wanted: Record<string, unknown>): StorageClassFieldDifference[] {
  return IMMUTABLE_FIELDS.flatMap((field) => {
    const [was, want] = [existing[field] ?? DEFAULTS[field], wanted[field] ?? DEFAULTS[field]];
    return show(was) === show(want) ? [] : [{ field, existing: show(was), wanted: show(want) }];
  });
}

export function storageClassConflicts(existing: Record<string, unknown>, wanted: KubeObject): StorageClassConflict[] {
  return immutableFieldDifferences(existing, wanted).map((difference) => ({ name: wanted.metadata.name, ...difference }));
}

export function describeConflicts(conflicts: StorageClassConflict[]): string {
  return conflicts.map((c) => `StorageClass ${c.name} exists with ${c.field} ${c.existing}, the install wants ${c.wanted}`).join('; ');
}

/** Whether the installer made the class: it carries the installer's mark (see storageClass()). */
export function createdByInstaller(existing: { metadata?: { labels?: Record<string, string> } }): boolean {
  const labels = existing.metadata?.labels ?? {};
  return Object.entries(INSTALLER_LABELS).every(([key, value]) => labels[key] === value);
}

export type ExistingStorageClass = Record<string, unknown> & { metadata?: { name?: string; labels?: Record<string, string> } };

/**
 * What the storage phase does with a class it wants, given the one of that name that exists:
 * create it; apply it again (it is the installer's, and only mutable fields can differ); leave
 * it as it is (someone else's, already as wanted: applying it would take it over); or stop
 * (a conflict, whoever made it: the API server would refuse the change).
 */
export type StorageClassDecision = { action: 'create' } | { action: 'apply' } | { action: 'leave' } | { action: 'conflict'; conflicts: StorageClassConflict[] };

export function storageClassDecision(existing: ExistingStorageClass | undefined, wanted: KubeObject): StorageClassDecision {
  if (!existing) return { action: 'create' };
  const conflicts = storageClassConflicts(existing, wanted);
  if (conflicts.length) return { action: 'conflict', conflicts };
  return { action: createdByInstaller(existing) ? 'apply' : 'leave' };
}

export function describeDecision(name: string, decision: StorageClassDecision): string {
  switch (decision.action) {
    case 'create':
      return `${name}: created`;
    case 'apply':
      return `${name}: exists, created by the installer: applied again`;
    case 'leave':
      return `${name}: exists as wanted, not created by the installer: left as it is`;
    case 'conflict':
      return `${name}: CONFLICT: ${describeConflicts(decision.conflicts)}`;
  }
}
