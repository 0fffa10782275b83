// The spec's mesh (spec.katonic.mesh) with its default in one place: left out, the Katonic role
// deploys Istio. Not filled in by the schema, because spec.katonic is among the katonic phase's
// inputs (lib/plan/phase-inputs.ts): a default there would re-run that phase on every resume.
import type { Installation } from './schema.js';

export type MeshMode = 'deploy' | 'existing' | 'none';

export interface MeshSettings {
  mode: MeshMode;
  revision?: string;
  besideExisting: boolean;
}

export function meshSettings(doc: Installation): MeshSettings {
  const mesh = doc.spec.katonic.mesh;
  return { mode: mesh?.mode ?? 'deploy', ...(mesh?.revision ? { revision: mesh.revision } : {}), besideExisting: mesh?.besideExisting ?? false };
}
