// The cluster through its API (its kubeconfig from cluster-kubeconfig.ts), with TLS
// verification as the kubeconfig says.
import { ApplicationFailure } from '@temporalio/common';
import { ApiException, KubernetesObjectApi, type KubeConfig, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';

export const FIELD_MANAGER = 'katonic-installer';

/** The API server's own words for a refusal (its Status message), not the client's dump. */
function apiRefusal(err: ApiException<unknown>): string {
  try {
    const status = JSON.parse(String(err.body)) as { reason?: string; message?: string };
    return `${err.code} ${status.reason ?? ''}: ${status.message ?? ''}`.trim();
  } catch {
    return `HTTP ${err.code}`;
  }
}

/**
 * Server-side apply, one object at a time, in order (namespaces before what lives in them).
 * An object the API server refuses (4xx other than a conflict or throttling) needs a person;
 * anything else (5xx, connection errors) is worth retrying.
 */
export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[], phase: string): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    try {
      await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      if (!(err instanceof ApiException)) throw err;
      const what = `${phase}: applying ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}: ${apiRefusal(err)}`;
      const retryable = err.code >= 500 || err.code === 409 || err.code === 429;
      throw ApplicationFailure.create({ type: retryable ? 'KubernetesApiError' : 'KubernetesApiRefused', message: what, nonRetryable: !retryable });
    }
  }
}

/** The object, or undefined when the API answers 404. */
export async function readIfExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

/** Every item of a list, a page at a time (large clusters answer in pages, not one response). */
export async function listAll<T>(
  list: (page: { limit: number; _continue?: string }) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
  limit = 500,
): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const page = await list({ limit, _continue: next });
    items.push(...page.items);
    next = page.metadata?._continue || undefined;
  } while (next);
  return items;
}
