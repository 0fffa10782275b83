// Which of the install's search attributes (workflows/definitions.ts) the server has: the
// workflow (through a local activity) and `kinstall start` set only those, so installs also run
// on a server nobody registered them on (README, "Search attributes").
import type { ConnectionLike } from '@temporalio/client';

export async function registeredSearchAttributes(connection: ConnectionLike, namespace: string, names: string[]): Promise<string[]> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return names.filter((name) => Object.hasOwn(customAttributes ?? {}, name));
  } catch {
    // A server that does not let us list them: set none rather than fail the install.
    return [];
  }
}
