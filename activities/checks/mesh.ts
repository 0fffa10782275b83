// Verify's mesh check (lib/verify/mesh-checks.ts judges): the mesh's istiod, and each Katonic
// namespace enrolled in it and covered by a STRICT PeerAuthentication, read through the API.
import { KATONIC_NAMESPACES } from '../../lib/katonic-platform.js';
import { meshSettings } from '../../lib/spec/mesh-settings.js';
import { meshFindings } from '../../lib/verify/mesh-checks.js';
import { kubernetesCall } from '../kubernetes/api-errors.js';
import { readMeshEnrolment } from '../kubernetes/read-mesh.js';
import type { VerifyCheck } from './verify-check.js';

export const checkMesh: VerifyCheck = async ({ input, cluster, progress }) => {
  const settings = meshSettings(input.spec);
  if (settings.mode === 'none') return meshFindings(settings, { mesh: { istiods: [] }, namespaces: [] });
  progress('reading the mesh: istiod, the Katonic namespaces, PeerAuthentications');
  const observed = await kubernetesCall(cluster, 'reading the mesh (istiod Deployments, namespaces, PeerAuthentications)', () =>
    readMeshEnrolment(cluster.kc, KATONIC_NAMESPACES),
  );
  return meshFindings(settings, observed);
};
