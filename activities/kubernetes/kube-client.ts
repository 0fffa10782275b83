// The cluster through its API (its kubeconfig from cluster-kubeconfig.ts), with TLS
// verification as the kubeconfig says.
import { ApiException, KubernetesObjectApi, type KubeConfig, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { kubernetesCall, type KubernetesTarget } from './api-errors.js';

export const FIELD_MANAGER = 'katonic-installer';

/** Server-side apply, one object at a time, in order (namespaces before what lives in them). */
export async function applyObjects(kc: KubeConfig, target: KubernetesTarget, objects: KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    const name = `${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
    await kubernetesCall(target, `applying ${object.kind} ${name}`, () =>
      api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
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
