// The webhook server as Jira, ServiceNow and a generic sender reach it: the real
// `kinstall webhook` process, a plain HTTP client over a real socket, the real dev server and
// worker. Deliveries start, retry and cancel installs; redeliveries start nothing; every
// refused delivery gets its 4xx and starts no workflow.
import { clusterStatus } from '../client/api/clusters.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '../client/dev/free-port.js';
import { signatureHeader } from '../lib/webhooks/signatures.js';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { CLI } from './support/repo.js';
import { basicAuth, genericHeaders, jiraHeaders, jiraTransition, OPS_BOT, post } from './support/webhook-deliveries.js';

const SECRETS = {
  JIRA_SECRET_OLD: 'old-jira-secret-0123456789',
  JIRA_SECRET_NEW: 'new-jira-secret-9876543210',
  SNOW_PASSWORD: 'snow-password-abcdef',
  GENERIC_SECRET: 'generic-secret-fedcba',
};

let h: Harness;
let server: ResultPromise;
let base: string;

beforeAll(async () => {
  h = await startHarness('webhooks');
  await h.startWorker();
  const template = await h.writeSpec('from-ticket', singleNode);
  const gated = await h.writeSpec('gated-from-ticket', (spec) => {
    singleNode(spec);
    spec.spec.approvals = ['before-kubespray'];
  });
  const config = join(h.dataDir, 'webhooks.yaml');
  await writeFile(
    config,
    `apiVersion: katonic.ai/v1
kind: WebhookConfig
sources:
  jira: {secretRefs: [env:JIRA_SECRET_OLD, env:JIRA_SECRET_NEW]}
  servicenow: {basicAuth: {user: katonic, passwordRefs: [env:SNOW_PASSWORD]}}
  generic: {secretRefs: [env:GENERIC_SECRET]}
rules:
  - {name: jira-install, source: jira, event: "jira:issue_updated", statusTo: Install, action: start, spec: ${template},
     set: {metadata.name: {field: issue.key, lowerCase: true}, metadata.ticket: {field: issue.key}}}
  - {name: jira-retry, source: jira, event: "jira:issue_updated", statusTo: Retry, action: retry, install: {field: issue.key, lowerCase: true}}
  - {name: jira-cancel, source: jira, event: "jira:issue_updated", statusTo: Cancel, action: cancel, install: {field: issue.key, lowerCase: true}}
  - {name: jira-install-gated, source: jira, event: "jira:issue_updated", statusTo: Install with approval, action: start, spec: ${gated},
     set: {metadata.name: {field: issue.key, lowerCase: true}, metadata.ticket: {field: issue.key}}}
  - {name: jira-approve, source: jira, event: "jira:issue_updated", statusTo: Approve, action: approve, install: {field: issue.key, lowerCase: true}}
  - {name: snow-install, source: servicenow, event: approved, action: start, spec: ${template},
     set: {metadata.name: {field: variables.cluster_name}, metadata.ticket: {field: number}, spec.onprem.storage.nfs.path: {field: variables.nfs_path}}}
  - {name: generic-install, source: generic, event: install, action: start, spec: ${template},
     set: {metadata.name: {field: name}, metadata.ticket: {field: ticket}, spec.extraVars.standin_fail: {field: fail}}}
`,
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}/webhooks`;
  server = execa('node', [CLI, 'webhook', '--config', config, '--port', String(port)], { env: { ...h.env, ...SECRETS }, reject: false, stdin: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Webhook server on') && resolve());
    void server.then((r) => reject(new Error(`the webhook server exited: ${r.exitCode} ${String(r.stderr)}`)));
  });
});
afterAll(async () => {
  server?.kill('SIGINT');
  await server;
  await h?.close();
});

const jira = (body: Record<string, unknown>, secret = SECRETS.JIRA_SECRET_NEW, deliveryId?: string) => {
  const raw = JSON.stringify(body);
  return post(`${base}/jira`, raw, jiraHeaders(raw, secret, deliveryId));
};

async function runsOf(id: string): Promise<number> {
  let n = 0;
  for await (const wf of h.client.workflow.list({ query: `WorkflowId = '${id}'` })) if (wf.workflowId === id) n++;
  return n;
}

async function exists(id: string): Promise<boolean> {
  return h.client.workflow
    .getHandle(id)
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
}

const allSecrets = Object.values(SECRETS);

describe('webhook server (real kinstall webhook process, plain HTTP over a socket, real dev server)', () => {
  it('a signed Jira transition to Install starts exactly one install; the same delivery again and a second delivery for the ticket answer with its id', async () => {
    const body = jiraTransition('OPS-42', 'Install');
    // A delivery and its redelivery at once (a sender that timed out): one is answered as the
    // other was, without a second start, whichever arrived first.
    const [first, again] = (
      await Promise.all([jira(body, SECRETS.JIRA_SECRET_NEW, 'delivery-ops-42-a'), jira(body, SECRETS.JIRA_SECRET_NEW, 'delivery-ops-42-a')])
    ).sort((a, b) => b.status - a.status);
    expect(first).toMatchObject({ status: 201, body: { id: 'install-ops-42', action: 'start', started: true } });
    expect(again).toMatchObject({ status: 200, body: { id: 'install-ops-42', started: false, redelivery: true } });
    const later = await jira(body, SECRETS.JIRA_SECRET_NEW, 'delivery-ops-42-a');
    expect(later).toMatchObject({ status: 200, body: { id: 'install-ops-42', started: false, redelivery: true } });
    // The kept answer goes only to a delivery whose signature holds.
    const forgedAgain = await jira(body, 'not-the-secret', 'delivery-ops-42-a');
    expect(forgedAgain).toMatchObject({ status: 401, body: { error: expect.stringContaining('does not match') } });
    // Another delivery for the same ticket, signed with the older of two secrets (a rotation).
    const second = await jira(jiraTransition('OPS-42', 'Install'), SECRETS.JIRA_SECRET_OLD, 'delivery-ops-42-b');
    expect(second).toMatchObject({ status: 200, body: { id: 'install-ops-42', started: false } });
    expect(await runsOf('install-ops-42')).toBe(1);
    const status = await h.waitFor('ops-42', (s) => s.state === 'completed');
    expect(status).toMatchObject({ cluster: 'ops-42', ticket: 'OPS-42' });
    // The first delivery created the cluster's entity (Update-with-Start), which ran the install as its child, once.
    expect(await runsOf('cluster-ops-42')).toBe(1);
    const entity = await clusterStatus(h.client, 'ops-42');
    expect(entity.log.map((r) => [r.kind, r.workflowId, r.by?.via])).toEqual([['install', 'install-ops-42', 'jira']]);
  });

  it("a delivery for a ticket whose install another server started (even one that ended) starts nothing: Temporal answers, not this server's memory", async () => {
    // Started past this webhook server, on a task queue no worker polls, and ended at once.
    const elsewhere = await h.client.workflow.start('install', { workflowId: 'install-ops-43', taskQueue: 'katonic-nobody-polls', args: [] });
    await elsewhere.terminate('started by another webhook server, for the test');
    const answer = await jira(jiraTransition('OPS-43', 'Install'), SECRETS.JIRA_SECRET_NEW, 'delivery-ops-43-a');
    expect(answer).toMatchObject({ status: 200, body: { id: 'install-ops-43', action: 'start', started: false } });
    expect(await runsOf('install-ops-43')).toBe(1);
  });

  it('refuses forged, unsigned, stale, oversized, malformed, unknown and template-carrying deliveries with a 4xx and starts nothing', async () => {
    const cases: [string, Promise<{ status: number; text: string }>, number, string][] = [];
    const forged = JSON.stringify(jiraTransition('BAD-1', 'Install'));
    cases.push(['forged signature', post(`${base}/jira`, forged, jiraHeaders(forged, 'not-the-secret')), 401, 'does not match']);
    cases.push(['missing signature', post(`${base}/jira`, JSON.stringify(jiraTransition('BAD-2', 'Install')), {}), 401, 'missing X-Hub-Signature']);
    const stale = JSON.stringify({ event: 'install', name: 'bad-3', ticket: 'BAD-3' });
    cases.push([
      'stale timestamp',
      post(`${base}/generic`, stale, genericHeaders(stale, SECRETS.GENERIC_SECRET, Math.floor(Date.now() / 1000) - 600)),
      401,
      'more than 300 s',
    ]);
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    cases.push(['10 MB body', post(`${base}/jira`, huge, { 'x-hub-signature': signatureHeader(SECRETS.JIRA_SECRET_NEW, huge) }), 413, 'larger than']);
    const malformed = '{"webhookEvent": "jira:issue_updated", "issue": {"key": "BAD-5"';
    cases.push(['malformed JSON', post(`${base}/jira`, malformed, jiraHeaders(malformed, SECRETS.JIRA_SECRET_NEW)), 400, 'malformed JSON']);
    cases.push(['unknown event', jira(jiraTransition('BAD-6', 'Install', {}, 'jira:issue_deleted')), 422, 'unsupported Jira event']);
    const hostile = JSON.stringify({
      event: 'approved',
      table: 'sc_req_item',
      sys_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      number: 'RITM0010007',
      variables: { cluster_name: 'bad-7', nfs_path: "/exports/{{ lookup('pipe', 'id') }}" },
    });
    cases.push([
      'template text in a ticket field',
      post(`${base}/servicenow`, hostile, { authorization: basicAuth('katonic', SECRETS.SNOW_PASSWORD) }),
      422,
      'spec.onprem.storage.nfs.path: expected no template text',
    ]);
    cases.push(['wrong Basic auth password', post(`${base}/servicenow`, hostile, { authorization: basicAuth('katonic', 'guess') }), 401, 'not accepted']);
    for (const [label, sent, status, message] of cases) {
      const answer = await sent;
      expect({ label, status: answer.status }).toEqual({ label, status });
      expect(JSON.parse(answer.text)).toEqual(expect.objectContaining({ error: expect.stringContaining(message) }));
      for (const secret of allSecrets) expect(answer.text).not.toContain(secret);
    }
    for (const n of [1, 2, 3, 5, 6, 7]) expect(await exists(`install-bad-${n}`)).toBe(false);
  });

  it('a ServiceNow requested item (Basic auth) starts an install named from its variables', async () => {
    const body = JSON.stringify({
      event: 'approved',
      table: 'sc_req_item',
      sys_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      number: 'RITM0010042',
      state: 'approved',
      variables: { cluster_name: 'snow-42', nfs_path: '/exports/snow-42' },
    });
    const answer = await post(`${base}/servicenow`, body, { authorization: basicAuth('katonic', SECRETS.SNOW_PASSWORD) });
    expect(answer).toMatchObject({ status: 201, body: { id: 'install-snow-42', started: true } });
    const status = await h.waitFor('snow-42', (s) => s.state === 'completed');
    expect(status.ticket).toBe('RITM0010042');
  });

  it('Jira transitions mapped to retry and cancel continue and cancel installs that wait for an operator', async () => {
    const start = (name: string, times: number) => {
      const raw = JSON.stringify({ event: 'install', name, ticket: name.toUpperCase(), fail: { phase: 'kubespray', times } });
      return post(`${base}/generic`, raw, genericHeaders(raw, SECRETS.GENERIC_SECRET));
    };
    expect((await start('ops-9', 3)).status).toBe(201);
    expect((await start('ops-10', 6)).status).toBe(201);
    await h.waitFor('ops-9', (s) => s.state === 'waiting-for-operator');
    const retry = await jira(jiraTransition('OPS-9', 'Retry'), SECRETS.JIRA_SECRET_NEW, 'delivery-ops-9-retry');
    expect(retry).toMatchObject({ status: 200, body: { id: 'install-ops-9', action: 'retry', phase: 'kubespray' } });
    // Redelivered: the same answer, and no second retry.
    expect((await jira(jiraTransition('OPS-9', 'Retry'), SECRETS.JIRA_SECRET_NEW, 'delivery-ops-9-retry')).status).toBe(200);
    const done = await h.waitFor('ops-9', (s) => s.state === 'completed');
    expect(done.operatorActions.map((a) => a.action)).toEqual(['retry']);

    await h.waitFor('ops-10', (s) => s.state === 'waiting-for-operator');
    const cancel = await jira(jiraTransition('OPS-10', 'Cancel'));
    expect(cancel).toMatchObject({ status: 200, body: { id: 'install-ops-10', action: 'cancel' } });
    await h.waitFor('ops-10', (s) => s.state === 'cancelled');
    // A retry for an install that has ended is a conflict, said as one.
    const late = await jira(jiraTransition('OPS-10', 'Retry'));
    expect(late).toMatchObject({ status: 409, body: { error: expect.stringContaining('install-ops-10 has ended (cancelled)') } });
  });

  it('a Jira "Approve" delivery is answered by the workflow: 409 with its reason (no gate, four eyes), 200 for another person, "already approved" after', async () => {
    const lead = { accountId: '712020:0d0c1bd4-lead', displayName: 'Dana Lead' };
    const approve = (key: string, user = lead) => jira(jiraTransition(key, 'Approve', {}, 'jira:issue_updated', user));
    // No gate in the spec: refused by the workflow, said as a conflict.
    expect((await jira(jiraTransition('OPS-70', 'Install'))).status).toBe(201);
    const ungated = await approve('OPS-70');
    expect(ungated).toMatchObject({ status: 409, body: { error: 'approve refused: install-ops-70 has no approval gates (spec.approvals is empty)' } });

    // Started by Ops Bot: Ops Bot may not approve its gate; Dana Lead may.
    expect((await jira(jiraTransition('OPS-71', 'Install with approval'))).status).toBe(201);
    await h.waitFor('ops-71', (s) => s.state === 'waiting-for-approval');
    const own = await approve('OPS-71', OPS_BOT);
    expect(own).toMatchObject({
      status: 409,
      body: {
        error: 'approve refused: Ops Bot (jira) started install-ops-71 and may not approve its gate before-kubespray (four eyes: another person approves)',
      },
    });
    expect(await approve('OPS-71')).toMatchObject({ status: 200, body: { id: 'install-ops-71', action: 'approve', gate: 'before-kubespray' } });
    expect(await approve('OPS-71')).toMatchObject({ status: 200, body: { gate: 'before-kubespray', alreadyApproved: true } });
    const done = await h.waitFor('ops-71', (s) => s.state === 'completed');
    expect(done.startedBy).toEqual({ name: 'Ops Bot', id: OPS_BOT.accountId, via: 'jira' });
    expect(done.operatorActions).toEqual([expect.objectContaining({ action: 'approve', by: { name: 'Dana Lead', id: lead.accountId, via: 'jira' } })]);
  });
});
