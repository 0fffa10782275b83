// Comments and the live status back on the ticket, on the real dev server with real
// ansible-playbook, sent to local servers that play Jira Cloud's and ServiceNow's APIs (modelled
// on their documented answers: test/support/fake-ticket-systems.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SINGLE_NODE, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { startFakeJira, startFakeServiceNow, type FakeTicketSystem, type ReceivedRequest } from './support/fake-ticket-systems.js';
import type { LiveStatus } from '../lib/tickets/live-status.js';

let h: Harness;
const fakes: FakeTicketSystem[] = [];
const TOKEN = 'jira-api-token-0123456789';
const PASSWORD = 'snow-password-0123456789';
const SYS_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const WEB_UI = 'http://temporal-ui.test:8233';

beforeAll(async () => {
  h = await startHarness('comments');
  await h.startWorker({ env: { KATONIC_WEB_UI_URL: WEB_UI } });
  await writeFile(join(h.dataDir, 'jira-token'), `${TOKEN}\n`, { mode: 0o600 });
  await writeFile(join(h.dataDir, 'snow-password'), `${PASSWORD}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await h?.close();
  await Promise.all(fakes.map((f) => f.close()));
});

const fake = async <F extends FakeTicketSystem>(made: Promise<F>) => {
  const f = await made;
  fakes.push(f);
  return f;
};
const jiraNotify = (url: string) => ({ jira: { url, user: 'installer@acme.com', tokenRef: `file:${join(h.dataDir, 'jira-token')}` } });
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
/** The text of an ADF document, in order. */
const adfText = (node: unknown): string => {
  const n = node as { text?: string; content?: unknown[] };
  return [n.text ?? '', ...(n.content ?? []).map(adfText)].join(' ');
};
const titles = (received: ReceivedRequest[]) =>
  received.map((r) =>
    adfText((r.body as { body: unknown }).body)
      .trim()
      .split(/\s+/)
      .slice(0, 8)
      .join(' '),
  );

/** Waits up to 60 s for `done`, checking every 0.5 s. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 120 && !done(); i++) await new Promise((r) => setTimeout(r, 500));
}
const commentsIn = (received: ReceivedRequest[]) => received.filter((r) => r.path.endsWith('/comment') || Object.hasOwn(r.body as object, 'work_notes'));

describe('ticket comments (real dev server, stand-in Kubespray and Katonic role; local servers playing Jira Cloud and ServiceNow)', () => {
  it('posts to a server playing Jira Cloud: started, each phase, waiting for an operator with the task, host and commands, and the end, as ADF with Basic auth; and keeps one remote link and the issue property katonic.install up to date', async () => {
    const jira = await fake(startFakeJira());
    const file = await h.writeSpec('commented', (spec) => {
      singleNode(spec);
      spec.metadata.ticket = 'OPS-77';
      spec.spec.extraVars = { standin_delay_seconds: 0, standin_fail: { phase: 'kubespray', task: 'Configure etcd', times: 3 } };
      spec.spec.notify = jiraNotify(jira.url);
    });
    const link = () => jira.remoteLinks('OPS-77')[0];
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('commented', (s) => s.state === 'waiting-for-operator');
    // While it waits, the link says so.
    await waitUntil(() => link()?.object.title.includes('waits') ?? false);
    expect(link()?.object.title).toBe('Katonic install-commented: waits for an operator at the kubespray phase (2/6 phases done)');
    expect(link()?.object.status).toEqual({ resolved: false });
    expect((await h.cli('retry', 'install-commented')).exitCode).toBe(0);
    await h.waitFor('commented', (s) => s.state === 'completed');
    await waitUntil(
      () => commentsIn(jira.received).length >= 9 && (jira.property('OPS-77', 'katonic.install') as LiveStatus | undefined)?.state === 'completed',
    );

    const comments = commentsIn(jira.received);
    expect(new Set(comments.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['POST /rest/api/3/issue/OPS-77/comment']));
    expect(jira.received.every((r) => r.authorization === basic('installer@acme.com', TOKEN) && r.contentType === 'application/json')).toBe(true);
    expect(
      comments.every(
        (r) => (r.body as { body: { type: string; version: number } }).body.type === 'doc' && (r.body as { body: { version: number } }).body.version === 1,
      ),
    ).toBe(true);
    const texts = comments.map((r) => adfText((r.body as { body: unknown }).body));
    expect(texts.filter((t) => t.includes('started'))).toHaveLength(1);
    for (const phase of ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'])
      expect(texts.filter((t) => t.includes(`the ${phase} phase finished`))).toHaveLength(1);
    const waiting = texts.find((t) => t.includes('waits for an operator'));
    expect(waiting).toContain('the kubespray phase failed (AnsibleTaskFailed)');
    expect(waiting).toContain(`Task "Configure etcd" on ${SINGLE_NODE}`);
    expect(waiting).toContain(`Failed hosts: ${SINGLE_NODE}`);
    expect(waiting).toContain('kinstall retry install-commented --failed-hosts');
    expect(waiting).toContain('kinstall cancel install-commented');
    expect(texts.filter((t) => t.includes('Katonic install install-commented completed'))).toHaveLength(1);
    expect(titles(comments)).toHaveLength(9);

    // The live status: every upsert names the same link, which Jira keeps once and updates.
    const upserts = jira.received.filter((r) => r.path === '/rest/api/3/issue/OPS-77/remotelink');
    expect(upserts.length).toBeGreaterThan(5);
    expect(new Set(upserts.map((r) => (r.body as { globalId: string }).globalId))).toEqual(new Set(['katonic-install:default/install-commented']));
    const shown = upserts.map((r) => (r.body as { object: { title: string } }).object.title);
    expect(shown).toContain('Katonic install-commented: katonic phase running (4/6 phases done)');
    expect(jira.remoteLinks('OPS-77')).toHaveLength(1);
    expect(link()).toMatchObject({
      globalId: 'katonic-install:default/install-commented',
      relationship: 'Katonic install',
      object: {
        url: `${WEB_UI}/namespaces/default/workflows/install-commented`,
        title: 'Katonic install-commented: completed (6/6 phases done)',
        summary: 'Cluster commented, onprem flow',
        status: { resolved: true },
      },
    });
    const property = jira.property('OPS-77', 'katonic.install') as LiveStatus & { updatedAt: string };
    expect(property).toEqual({
      id: 'install-commented',
      cluster: 'commented',
      flow: 'onprem',
      state: 'completed',
      phasesDone: 6,
      phasesTotal: 6,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(jira.received.filter((r) => r.method === 'PUT' && r.path === '/rest/api/3/issue/OPS-77/properties/katonic.install')).toHaveLength(upserts.length);
  });

  it('posts work notes to a server playing the ServiceNow Table API: PATCH of the record with work_notes, Basic auth; and sets the status field in place', async () => {
    const snow = await fake(startFakeServiceNow());
    const file = await h.writeSpec('snow-noted', (spec) => {
      singleNode(spec);
      spec.metadata.ticket = 'RITM0010042';
      spec.spec.notify = {
        servicenow: {
          url: snow.url,
          table: 'sc_req_item',
          sysId: SYS_ID,
          user: 'katonic.integration',
          passwordRef: `file:${join(h.dataDir, 'snow-password')}`,
          statusField: 'u_katonic_status',
        },
      };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('snow-noted', (s) => s.state === 'completed');
    await waitUntil(() => commentsIn(snow.received).length >= 8 && String(snow.record('sc_req_item', SYS_ID).u_katonic_status).includes('completed'));
    expect(new Set(snow.received.map((r) => `${r.method} ${r.path}`))).toEqual(new Set([`PATCH /api/now/table/sc_req_item/${SYS_ID}`]));
    expect(snow.received.every((r) => r.authorization === basic('katonic.integration', PASSWORD))).toBe(true);
    const notes = commentsIn(snow.received).map((r) => (r.body as { work_notes: string }).work_notes);
    // Started by the CLI, as its OS user.
    expect(notes[0]).toMatch(/^Katonic install install-snow-noted started by \S+ \(cli\)\n/);
    expect(notes).toContain('Katonic install install-snow-noted completed');
    expect(notes).toHaveLength(8);
    // The status field: set apart from the notes (a PATCH of that field alone), several times, last to the end.
    const statuses = snow.received.filter((r) => !commentsIn([r]).length).map((r) => r.body as Record<string, string>);
    expect(statuses.every((b) => Object.keys(b).join() === 'u_katonic_status')).toBe(true);
    expect(statuses.length).toBeGreaterThan(5);
    expect(snow.record('sc_req_item', SYS_ID).u_katonic_status).toBe('Katonic install-snow-noted: completed (6/6 phases done)');
  });

  it('a comment endpoint that fails or hangs neither fails nor holds up the install', async () => {
    const failing = await fake(startFakeJira('fail'));
    const hanging = await fake(startFakeJira('hang'));
    const [a, b] = await Promise.all([
      h.writeSpec('jira-down', (spec) => {
        singleNode(spec);
        spec.metadata.ticket = 'OPS-500';
        spec.spec.notify = jiraNotify(failing.url);
      }),
      h.writeSpec('jira-hangs', (spec) => {
        singleNode(spec);
        spec.metadata.ticket = 'OPS-504';
        spec.spec.notify = jiraNotify(hanging.url);
      }),
    ]);
    expect((await h.cli('start', a)).exitCode).toBe(0);
    expect((await h.cli('start', b)).exitCode).toBe(0);
    const [down, hangs] = await Promise.all([h.waitFor('jira-down', (s) => s.state === 'completed'), h.waitFor('jira-hangs', (s) => s.state === 'completed')]);
    expect(down.phases.every((p) => p.state === 'completed')).toBe(true);
    expect(hangs.phases.every((p) => p.state === 'completed')).toBe(true);
    // Comments were tried, and the hanging server still holds requests it never answered:
    // the install finished without waiting for them.
    expect(failing.received.length).toBeGreaterThan(0);
    expect(hanging.received.length).toBeGreaterThan(0);
    expect(hanging.open()).toBeGreaterThan(0);
  });
});
