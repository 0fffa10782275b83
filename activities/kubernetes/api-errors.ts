// The API server's refusals that trying again will not change: the credentials are not
// accepted (401) or lack a permission (403). Other errors (unreachable, 5xx) stay retryable.
import { ApplicationFailure } from '@temporalio/common';
import { ApiException } from '@kubernetes/client-node';

function apiMessage(err: ApiException<unknown>): string {
  try {
    return String((JSON.parse(String(err.body)) as { message?: string }).message ?? '');
  } catch {
    return '';
  }
}

/** Rethrows `err`, as a non-retryable KubernetesAccessDenied when the API server refused the credentials. */
export function rethrowAccessDenied(err: unknown, phase: string, kubeconfig: string): never {
  if (err instanceof ApiException && (err.code === 401 || err.code === 403)) {
    const reason = err.code === 401 ? 'did not accept its credentials' : `refused an operation: ${apiMessage(err) || 'forbidden'}`;
    throw ApplicationFailure.nonRetryable(`${phase}: the API server of the kubeconfig ${kubeconfig} ${reason} (HTTP ${err.code})`, 'KubernetesAccessDenied');
  }
  throw err;
}
