// The least a webhook server that starts one install per ticket can do, for the webhook
// benchmark to set the product beside: node:http, no signature check, no mapping or
// validation, no codec, a minimal start (no spec, search attributes or metadata), and a
// memory of the tickets it started so only the first delivery of each asks Temporal. What is
// left is the HTTP stack and Temporal's own cost of a start on this machine. Run as a process
// of its own: `node bare-start-server.js PORT TASK_QUEUE`, connected by the TEMPORAL_*
// variables (client/connection-profile.ts); it prints "listening" when ready.
import { createServer } from 'node:http';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { loadConnection } from '../../client/connection-profile.js';
import { installWorkflowId } from '../../workflows/definitions.js';

const [port, taskQueue] = process.argv.slice(2) as [string, string];
const { namespace, ...options } = loadConnection();
const client = new Client({ connection: await Connection.connect(options), namespace });
const started = new Map<string, Promise<boolean>>();

const start = (id: string): Promise<boolean> =>
  client.workflow.start('install', { workflowId: id, taskQueue, args: [], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' }).then(
    () => true,
    (err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    },
  );

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
    const startedNow = known ?? start(id);
    if (first) started.set(id, startedNow);
    startedNow.then(
      (isNew) => answer(first && isNew ? 201 : 200, { id, started: first && isNew }),
      (err: Error) => (started.delete(id), answer(503, { error: err.message })),
    );
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
