// How the webhook server answers when acting on a delivery fails, on the real server over a
// real socket with real Temporal clients: a Temporal server that cannot be reached (nothing
// listens) or does not answer in time is a 503, "deliver again later"; an unexpected error (here
// a payload codec that throws, as a bug would) is a 500 without that invitation, its full trace
// in a file on the webhook server that the answer names by its basename only. A ticket's start
// under way is asked once, whatever other deliveries for it come meanwhile.
import { readFile, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client, Connection, defaultGrpcRetryOptions, isGrpcDeadlineError, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { freePort } from '../client/dev/free-port.js';
import { temporalUnreachable } from '../client/temporal-unreachable.js';
import { JIRA_SECRET_ENV } from '../client/webhooks/dev-secret.js';
import { loadWebhookConfig } from '../client/webhooks/load-config.js';
import { startWebhookServer, type WebhookServer } from '../client/webhooks/webhook-server.js';
import { jiraHeaders, jiraTransition, post } from './support/webhook-deliveries.js';

const SECRET = 'webhook-failures-secret-0123456789';

/** A connection to `address` that gives up after two tries (the default retries an unavailable server for about 20 s). */
const connectionTo = (address: string) => Connection.lazy({ address, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))] });

const brokenCodec: PayloadCodec = {
  encode: () => Promise.reject(new Error('codec bug: keyRing.current is undefined')),
  decode: (payloads) => Promise.resolve(payloads),
};

let silent: Server;
const silentSockets = new Set<Socket>();
const lines: string[] = [];
const closing: (() => Promise<unknown>)[] = [];

async function webhookServer(client: Client): Promise<WebhookServer> {
  const server = await startWebhookServer({ loaded: await loadWebhookConfig(), client, port: await freePort(), host: '127.0.0.1', log: (l) => lines.push(l) });
  closing.push(
    () => server.close(),
    () => client.connection.close(),
  );
  return server;
}

const deliver = (server: WebhookServer, key: string, to: string) => {
  const raw = JSON.stringify(jiraTransition(key, to));
  return post(`${server.url}/webhooks/jira`, raw, jiraHeaders(raw, SECRET));
};

beforeAll(async () => {
  process.env[JIRA_SECRET_ENV] = SECRET;
  // Accepts connections and never answers: a Temporal server that hangs.
  silent = createServer((socket) => silentSockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  for (const close of closing) await close();
});

describe('webhook server failures (real server, real clients)', () => {
  it('answers 503 "deliver again later" when the Temporal server cannot be reached', async () => {
    const server = await webhookServer(new Client({ connection: connectionTo(`127.0.0.1:${await freePort()}`) }));
    for (const to of ['Install', 'Retry']) {
      expect(await deliver(server, 'OPS-501', to)).toMatchObject({
        status: 503,
        body: { error: 'the install server could not be reached; deliver again later' },
      });
    }
  });

  it('counts a call the Temporal server did not answer in time as unreachable', async () => {
    const connection = connectionTo(`127.0.0.1:${(silent.address() as AddressInfo).port}`);
    closing.push(() => connection.close());
    const err = await connection.withDeadline(Date.now() + 500, () => connection.workflowService.getSystemInfo({})).catch((e: unknown) => e);
    expect(isGrpcDeadlineError(err)).toBe(true);
    expect(temporalUnreachable(err)).toBe(true);
    expect(temporalUnreachable(new TypeError('not a gRPC error'))).toBe(false);
  });

  it('answers an unexpected error 500, without inviting a redelivery, its trace in a file named by its basename', async () => {
    const client = new Client({ connection: connectionTo(`127.0.0.1:${await freePort()}`), dataConverter: { payloadCodecs: [brokenCodec] } });
    const server = await webhookServer(client);
    // A retry: its Update's argument meets the codec before any call to the server. (A start asks
    // the server first whether the ticket's install exists, and an unreachable server is a 503.)
    const answer = await deliver(server, 'OPS-502', 'Retry');
    expect(answer.status).toBe(500);
    const error = String(answer.body.error);
    expect(error).toMatch(/^internal error \(trace in kinstall-webhook-error-[\w-]+\.log on the webhook server\)$/);
    expect(error).not.toContain('deliver again');
    const file = join(tmpdir(), /trace in (\S+)/.exec(error)![1]!);
    expect(basename(file)).toMatch(/^kinstall-webhook-error-/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^Error: codec bug: keyRing.current is undefined\n\s+at /);
    expect(lines).toContainEqual(`webhook jira: unexpected error: codec bug: keyRing.current is undefined (full trace in ${file})`);
  });

  it('asks Temporal once for a ticket whose start is under way: another delivery waits for that answer, and after a failure asks again', async () => {
    // A Temporal server of this test's own that hangs, then goes away.
    const sockets = new Set<Socket>();
    const hanging = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const goAway = () => {
      const closed = new Promise((resolve) => hanging.close(resolve));
      for (const socket of sockets) socket.destroy();
      return closed;
    };
    // Also when an expectation fails first, so that nothing hangs.
    closing.push(() => (hanging.listening ? goAway() : Promise.resolve()));
    const client = new Client({ connection: connectionTo(`127.0.0.1:${(hanging.address() as AddressInfo).port}`) });
    // Counts the starts that reach Temporal: each asks first whether the install exists (a describe through a handle).
    let asked = 0;
    const getHandle = client.workflow.getHandle.bind(client.workflow);
    client.workflow.getHandle = (...args) => (asked++, getHandle(...args));
    const server = await webhookServer(client);
    // Two deliveries for one ticket (two delivery ids, so not a redelivery) while the server hangs.
    const answers = [deliver(server, 'OPS-504', 'Install'), deliver(server, 'OPS-504', 'Install')];
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(asked).toBe(1);
    // The server goes: the start fails, and the delivery that waited for it asks itself.
    await goAway();
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([503, 503]);
    expect(asked).toBe(2);
  }, 20_000);
});
