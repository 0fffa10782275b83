// Which of the install's search attributes (workflows/definitions.ts) the server has: the
// workflow (through a local activity) and `kinstall start` set only those, so installs also run
// on a server nobody registered them on (docs/production.md, "Search attributes"). The server's answer is
// kept per connection and namespace for a minute: a webhook server starts installs many times
// a second, and one extra RPC per start doubled the work of each.
import type { ConnectionLike } from '@temporalio/client';

export const REGISTERED_SEARCH_ATTRIBUTES_TTL_MS = 60_000;

const known = new WeakMap<ConnectionLike, Map<string, { until: number; names: Promise<string[]> }>>();

/** Every custom search attribute the namespace has, asked once per TTL (a failed ask is not kept). */
function customAttributes(connection: ConnectionLike, namespace: string): Promise<string[]> {
  const byNamespace = known.get(connection) ?? new Map<string, { until: number; names: Promise<string[]> }>();
  known.set(connection, byNamespace);
  const cached = byNamespace.get(namespace);
  if (cached && cached.until > Date.now()) return cached.names;
  const names = connection.operatorService.listSearchAttributes({ namespace }).then(({ customAttributes }) => Object.keys(customAttributes ?? {}));
  byNamespace.set(namespace, { until: Date.now() + REGISTERED_SEARCH_ATTRIBUTES_TTL_MS, names });
  names.catch(() => byNamespace.get(namespace)?.names === names && byNamespace.delete(namespace));
  return names;
}

export async function registeredSearchAttributes(connection: ConnectionLike, namespace: string, names: string[]): Promise<string[]> {
  try {
    const custom = await customAttributes(connection, namespace);
    return names.filter((name) => custom.includes(name));
  } catch {
    // A server that does not let us list them: set none rather than fail the install.
    return [];
  }
}
