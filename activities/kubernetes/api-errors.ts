// The one mapping from what a Kubernetes API call threw to a phase failure (the catalogue,
// lib/install/phase-failure.ts, says which are retried): a refusal by HTTP status, no answer
// (a timeout, a connection error) as unavailable. Messages name the kubeconfig by its
// reference (`file:~/.kube/acme.yaml`, "Kubespray's admin.conf"), never by its content.
import { ApiException } from '@kubernetes/client-node';
import type { PhaseFailureType } from '../../lib/install/phase-failure.js';
import { phaseFailure } from '../phase-failure.js';

/** Which cluster a call goes to, for messages. */
export interface KubernetesTarget {
  phase: string;
  /** The kubeconfig's reference, never its content. */
  kubeconfig: string;
}

/** The API server's own words for a refusal (its Status message), not the client's dump. */
function statusMessage(err: ApiException<unknown>): string {
  try {
    return String((JSON.parse(String(err.body)) as { message?: string }).message ?? '').replace(/\s+/g, ' ');
  } catch {
    return '';
  }
}

function typeOfStatus(code: number): PhaseFailureType {
  if (code === 401 || code === 403) return 'KubernetesAccessDenied';
  if (code === 404) return 'KubernetesNotFound';
  if (code === 409) return 'KubernetesConflict';
  if (code === 422) return 'KubernetesObjectInvalid';
  // 408 timed out, 410 an expired list continuation (the next attempt lists from the start).
  if (code === 408 || code === 410 || code === 429 || code >= 500) return 'KubernetesUnavailable';
  return 'KubernetesRequestRefused';
}

// node-fetch's codes (client-node 1.x) for a certificate the kubeconfig's CA does not vouch for.
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** What `err` from the call `request` means for the phase: a failure from the catalogue, or `err` itself when it is not the API's (a bug, a cancellation). */
export function kubernetesFailure(err: unknown, target: KubernetesTarget, request: string): unknown {
  const where = `${target.phase}: ${request}: the API server of the kubeconfig ${target.kubeconfig}`;
  const details = { kubeconfig: target.kubeconfig, request };
  if (err instanceof ApiException) {
    const { code } = err;
    const said = statusMessage(err);
    const reason =
      code === 401 ? 'did not accept its credentials' : code === 403 ? `refused the operation: ${said || 'forbidden'}` : `answered: ${said || 'no message'}`;
    return phaseFailure(typeOfStatus(code), `${where} ${reason} (HTTP ${code})`, { ...details, status: code });
  }
  const failure = err as { name?: string; type?: string; code?: string; message?: string } | undefined;
  // The request's own time limit (cluster-kubeconfig.ts) aborts it.
  if (failure?.name === 'AbortError' || failure?.name === 'TimeoutError')
    return phaseFailure('KubernetesUnavailable', `${where} did not answer in time`, details);
  if (failure?.name === 'FetchError' && failure.type === 'system') {
    const type = UNTRUSTED.test(failure.code ?? '') ? 'KubernetesServerUntrusted' : 'KubernetesUnavailable';
    return phaseFailure(type, `${where} could not be reached: ${failure.code ?? failure.message}`, details);
  }
  return err;
}

/** Runs one API call (or a few, for one purpose), failing as kubernetesFailure says. */
export async function kubernetesCall<T>(target: KubernetesTarget, request: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw kubernetesFailure(err, target, request);
  }
}
