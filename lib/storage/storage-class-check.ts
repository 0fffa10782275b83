// A StorageClass's provisioner, parameters, reclaim policy and binding mode cannot change once
// it exists: the API server refuses the update. So a class that already exists with other
// values is reported, field by field, instead of being applied over.
import type { KubeObject } from './storage-objects.js';

/** The fields of a StorageClass the API server will not let an update change. */
const IMMUTABLE_FIELDS = ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'] as const;

/** What the API server fills in when a class leaves them out. */
const DEFAULTS: Record<(typeof IMMUTABLE_FIELDS)[number], unknown> = { provisioner: undefined, parameters: {}, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };

export interface StorageClassConflict {
  name: string;
  field: (typeof IMMUTABLE_FIELDS)[number];
  existing: string;
  wanted: string;
}

const show = (value: unknown): string => (value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value, Object.keys((value ?? {}) as object).sort()));

export function storageClassConflicts(existing: Record<string, unknown>, wanted: KubeObject): StorageClassConflict[] {
  return IMMUTABLE_FIELDS.flatMap((field) => {
    const [was, want] = [existing[field] ?? DEFAULTS[field], wanted[field] ?? DEFAULTS[field]];
    return show(was) === show(want) ? [] : [{ name: wanted.metadata.name, field, existing: show(was), wanted: show(want) }];
  });
}

export function describeConflicts(conflicts: StorageClassConflict[]): string {
  return conflicts.map((c) => `StorageClass ${c.name} exists with ${c.field} ${c.existing}, the install wants ${c.wanted}`).join('; ');
}
