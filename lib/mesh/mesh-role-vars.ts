// The mesh facts the Katonic role gets: its mode, and the revision and namespace of the mesh it
// deploys (mode deploy) or joins (mode existing, read from the cluster right before the role
// runs). They go to Ansible in a file of their own, inert like every vars file.
import type { MeshSettings } from '../spec/mesh-settings.js';
import { DEPLOYED_MESH, type MeshRef } from './istio-mesh.js';

/** `joined`: the mesh mode existing joins (left out only where the role removes Katonic and the mesh is gone). */
export function meshRoleVars(settings: MeshSettings, joined?: MeshRef): Record<string, string> {
  const mesh = settings.mode === 'deploy' ? DEPLOYED_MESH : settings.mode === 'existing' ? joined : undefined;
  return { katonic_mesh_mode: settings.mode, ...(mesh ? { katonic_mesh_revision: mesh.revision, katonic_mesh_namespace: mesh.namespace } : {}) };
}
