// The least a webhook server that starts one install per ticket can do, for the webhook
// benchmark to set the product beside: node:http, no signature check, no mapping or
// validation, and a memory of the tickets it started so only the first delivery of each asks
// Temporal. Two starts (the last argument):
// - `plain`: a minimal start of the install workflow (no spec, search attributes, metadata
//   or codec, no worker needed). What is left is the HTTP stack and Temporal's own cost of a
//   start on this machine.
// - `entity`: the product's own start, through the cluster's entity (client/api/clusters.ts:
//   a describe, then an Update-with-Start the entity's worker answers by starting the install),
//   with the demo spec read once, named for the ticket, sealed by the codec. What the product
//   adds to it is the webhook server's own work.
// Run as a process of its own: `node bare-start-server.js PORT TASK_QUEUE plain|entity`,
// connected by the TEMPORAL_* variables (client/connection-profile.ts), the codec's keys by
// KATONIC_CODEC_KEYS; it prints "listening" when ready.
import { createServer } from 'node:http';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { installThroughCluster } from '../../client/api/clusters.js';
import { clientDataConverter } from '../../client/codec-keys.js';
import { loadConnection } from '../../client/connection-profile.js';
import { loadSpec } from '../../client/load-spec.js';
import { installWorkflowId } from '../../workflows/definitions.js';
import { DEMO_SPEC } from '../../test/support/repo.js';

const [port, taskQueue, mode] = process.argv.slice(2) as [string, string, 'plain' | 'entity'];
const { namespace, ...options } = loadConnection();
const connection = await Connection.connect(options);

/** Starts the ticket's install: true if this started it, false if it existed. */
async function starter(): Promise<(key: string, id: string) => Promise<boolean>> {
  if (mode === 'entity') {
    const client = new Client({ connection, namespace, dataConverter: await clientDataConverter() });
    const spec = await loadSpec(DEMO_SPEC);
    return async (key) =>
      (await installThroughCluster(client, { ...spec, metadata: { name: key.toLowerCase(), ticket: key } }, { existing: 'answer' })).started;
  }
  const client = new Client({ connection, namespace });
  return (_key, id) =>
    client.workflow.start('install', { workflowId: id, taskQueue, args: [], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' }).then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw err;
      },
    );
}

const start = await starter();
const started = new Map<string, Promise<boolean>>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const answer = (status: number, body: Record<string, unknown>) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET') return answer(200, { ok: true });
    const key = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { issue: { key: string } }).issue.key;
    const id = installWorkflowId(key.toLowerCase());
    const known = started.get(id);
    const first = !known;
    const startedNow = known ?? start(key, id);
    if (first) started.set(id, startedNow);
    startedNow.then(
      (isNew) => answer(first && isNew ? 201 : 200, { id, started: first && isNew }),
      (err: Error) => (started.delete(id), answer(503, { error: err.message })),
    );
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
