// The Web UI as an operator's page: headless Chromium (Debian's, driven by playwright-core) on
// the dev server's Temporal UI with a codec server and a real worker, as `kinstall dev --demo`
// runs them. An install started from the Start Workflow form (type install, task queue
// katonic-install, the spec as the one JSON payload; its input goes through the codec server's
// /encode, so the history holds it sealed) completes, and its page shows its input decoded. An
// install started as the demo's is (`kinstall start`: through its cluster's entity) is seen
// while it runs: the workflow list with the Katonic columns (the one-time step of
// docs/operating.md), its summary and its current details with the ETA; Request Cancellation
// ends it. Its screenshots go under the run's temporary directory (printed; the teardown removes
// it unless KATONIC_KEEP_TEST_FILES=1); KATONIC_UPDATE_DOCS_SCREENSHOTS=1 writes them over the
// docs' (docs/operating.md, the README's tour) in docs/ instead, the only way a run changes tracked files.
// The shared dev server of jest's global setup is headless (no UI, no codec endpoint), so this
// file starts its own, with a codec server, as `kinstall dev` does.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { devKeyRingFile } from '../client/codec-keys.js';
import type { CodecServer } from '../client/codec-server.js';
import { CODEC_SERVER_TOKEN_ENV, startInstallCodecServer } from '../client/commands/codec-server.js';
import { freePort } from '../client/dev/free-port.js';
import { startDevServer, type DevServer } from '../client/dev/temporal-dev-server.js';
import { TASK_QUEUE_DEFAULT } from '../lib/local-tools.js';
import { loadDemoSpec, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { REPO_ROOT } from './support/repo.js';
import { describedStatus } from './support/temporal-cli.js';
import {
  addKatonicColumns,
  currentDetailsHeadline,
  inputText,
  listRows,
  openTab,
  OPERATOR_COLUMNS,
  poll,
  storedColumns,
  summaryText,
} from './support/temporal-ui.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_ENV = 'KATONIC_TEST_WEB_UI_CODEC_TOKEN';
/** The first line of an install's current details while it runs: cluster · flow · phase · state · ETA (p90, basis). */
const RUNNING_HEADLINE = /^web-ui-cancel · onprem · phase kubespray · running · ETA .+ \(p90 .+, (no history|\d+ runs?)\)$/;

let server: DevServer | undefined;
let codec: CodecServer | undefined;
let browser: Browser | undefined;
/** One browser profile for every page: the list's columns, once configured, stay (localStorage). */
let context: BrowserContext;
let h: Harness;
let ui: string;
let screenshots: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium (apt-get install -y chromium)`);
  const dir = await mkdtemp(join(tmpdir(), 'katonic-web-ui-'));
  // tmpdir() is the run's TMPDIR (global-setup), which the teardown removes.
  screenshots = process.env.KATONIC_UPDATE_DOCS_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs') : join(dir, 'screenshots');
  console.log(`Web UI screenshots in ${screenshots}`);
  const [uiPort, codecPort] = [await freePort(), await freePort()];
  ui = `http://localhost:${uiPort}`;
  const token = randomBytes(24).toString('base64url');
  const endpoint = `http://127.0.0.1:${codecPort}/${token}`;
  server = await startDevServer({ port: await freePort(), uiPort, dbFile: join(dir, 'temporal.db'), uiCodecEndpoint: endpoint });
  // The harness makes the codec key its worker and CLI use; the codec server gets it too, as
  // `kinstall codec-server` does: KATONIC_CODEC_KEYS and a token reference.
  h = await startHarness('web-ui', { address: server.address });
  process.env.KATONIC_CODEC_KEYS = `file:${devKeyRingFile(h.dataDir)}`;
  process.env[TOKEN_ENV] = token;
  process.env[CODEC_SERVER_TOKEN_ENV] = `env:${TOKEN_ENV}`;
  codec = await startInstallCodecServer({ port: codecPort, host: '127.0.0.1', origins: [ui, `http://127.0.0.1:${uiPort}`] });
  if (codec.uiEndpoint !== endpoint) throw new Error(`the codec server's endpoint is ${codec.uiEndpoint}, the dev server was given ${endpoint}`);
  // Its own dev server: the install's own task queue, as a person types it into the form.
  h.env.KATONIC_TASK_QUEUE = TASK_QUEUE_DEFAULT;
  await h.startWorker();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await server?.stop();
  await codec?.close();
});

describe('the Web UI (real dev server, Temporal UI, Chromium, codec server and worker; stand-in Kubespray and Katonic role)', () => {
  it('starts an install through the Start Workflow form with the spec object pasted as its input; the install completes', async () => {
    const spec = await loadDemoSpec();
    spec.metadata = { name: 'web-ui-demo', ticket: 'OPS-7' };
    spec.spec.extraVars = { standin_delay_seconds: 0 };
    const page = await context.newPage();
    const encoded: string[] = [];
    const decoded: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'POST' || !r.url().startsWith(codec!.url)) return;
      const { pathname } = new URL(r.url());
      if (pathname.endsWith('/encode')) encoded.push(r.url());
      if (pathname.endsWith('/decode')) decoded.push(r.url());
    });

    await page.goto(`${ui}/namespaces/default/workflows/start-workflow`);
    await page.fill('#workflowId', 'install-web-ui-demo');
    await page.fill('#taskQueue', 'katonic-install');
    await page.fill('#workflowType', 'install');
    const editor = page.locator('.cm-content').first();
    await editor.fill(JSON.stringify(spec, null, 2));
    await editor.press('Control+Home');
    // Blur the JSON editor, or the click on "Start Workflow" is lost.
    await page.locator('#workflowType').click();
    await page.screenshot({ path: join(screenshots, 'web-ui-start.png') });
    await page.getByRole('button', { name: 'Start Workflow' }).click();
    await page.getByText('Workflow started successfully').first().waitFor({ timeout: 30_000 });
    expect(encoded.length).toBeGreaterThan(0);

    const done = await h.waitFor('web-ui-demo', (s) => s.state === 'completed' || s.state === 'failed' || s.state.startsWith('waiting'), 300_000);
    expect([done.state, done.error]).toEqual(['completed', undefined]);
    expect(done).toMatchObject({ cluster: 'web-ui-demo', ticket: 'OPS-7', flow: 'onprem' });
    expect(done.phases.every((p) => p.state === 'completed')).toBe(true);

    // What the server holds of the form's input is the codec's ciphertext, not the spec.
    const history = await h.client.workflow.getHandle('install-web-ui-demo').fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(input?.data ?? []).toString()).not.toContain('web-ui-demo');

    // The search attributes the workflow set: the list's Katonic columns. Its status reads
    // completed a moment before it returns (it hands the cluster to its entity first).
    await h.client.workflow.getHandle('install-web-ui-demo').result();
    const described = await h.client.workflow.getHandle('install-web-ui-demo').describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.searchAttributes).toMatchObject({
      KatonicCluster: ['web-ui-demo'],
      KatonicTicket: ['OPS-7'],
      KatonicPhase: ['verify'],
      KatonicState: ['completed'],
    });
    // Its page, as a person reads it: Completed, the input decoded by the codec server
    // (metadata.name and spec.flow in clear), and the first line of its current details.
    await page.goto(`${ui}/namespaces/default/workflows/install-web-ui-demo`);
    const shown = await poll(
      () => inputText(page),
      (text) => text.includes('"flow"'),
    );
    expect(shown).toContain('"name": "web-ui-demo"');
    expect(shown).toContain('"flow": "onprem"');
    expect(shown).not.toContain('binary/encrypted');
    expect(decoded.length).toBeGreaterThan(0);
    expect(await page.locator('body').innerText()).toMatch(/\bCOMPLETED\b[\s\S]*install-web-ui-demo/i);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(screenshots, 'web-ui-install.png') });
    await openTab(page, 'User Metadata');
    const headline = await poll(
      () => currentDetailsHeadline(page),
      (line) => line.includes('completed'),
    );
    // Ended: no ETA.
    expect(headline).toBe('web-ui-demo · onprem · phase verify · completed');
    await page.close();
  }, 420_000);

  it("an install started as the demo's, while it runs: the list's Katonic columns, its summary, current details with an ETA; Request Cancellation ends it Cancelled", async () => {
    // Through its cluster's entity, as `kinstall dev --demo` and `kinstall start` do; the stand-in
    // Kubespray's steps take 5 s each, so it is still running when cancelled.
    const file = await h.writeSpec('web-ui-cancel', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = { standin_delay_seconds: { kubespray: 5 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('web-ui-cancel', (s) => s.state === 'running' && s.phase === 'kubespray');
    const page = await context.newPage();
    // Wide enough for the list's columns.
    await page.setViewportSize({ width: 1920, height: 640 });

    // The list, with the Katonic columns (the operator's one-time step), shows each install's cluster, phase, state and ETA.
    await page.goto(`${ui}/namespaces/default/workflows`);
    await addKatonicColumns(page, () => page.screenshot({ path: join(screenshots, 'web-ui-columns.png') }));
    expect(await storedColumns(page)).toEqual(OPERATOR_COLUMNS);
    const { 'install-web-ui-demo': done, 'install-web-ui-cancel': running } = await poll(
      () => listRows(page, ['install-web-ui-demo', 'install-web-ui-cancel']),
      (rows) =>
        rows['install-web-ui-demo'].KatonicState === 'completed' &&
        rows['install-web-ui-cancel'].KatonicPhase === 'kubespray' &&
        Boolean(rows['install-web-ui-cancel'].KatonicEta),
    );
    await page.screenshot({ path: join(screenshots, 'web-ui-list.png') });
    expect(Object.keys(done)).toEqual(OPERATOR_COLUMNS);
    expect(done).toMatchObject({ Status: 'COMPLETED', KatonicCluster: 'web-ui-demo', KatonicPhase: 'verify', KatonicState: 'completed', KatonicEta: '' });
    expect(running).toMatchObject({ Status: 'RUNNING', KatonicCluster: 'web-ui-cancel', KatonicPhase: 'kubespray', KatonicState: 'running' });
    // A date and a time, as the list shows a Datetime attribute ("Dec 3, 2026, 2:17:40.12 PM UTC").
    expect(running.KatonicEta).toMatch(/\d{4}, \d{1,2}:\d{2}/);

    // Its page, from the list: the summary set at its start, and current details that name its phase, state and ETA.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('link', { name: 'install-web-ui-cancel', exact: true }).click();
    await openTab(page, 'User Metadata');
    const headline = await poll(
      () => currentDetailsHeadline(page),
      (line) => RUNNING_HEADLINE.test(line),
    );
    expect(await summaryText(page)).toMatch(/^Katonic install of web-ui-cancel \(onprem\)/);
    await page.screenshot({ path: join(screenshots, 'web-ui-install-details.png') });
    expect(headline).toMatch(RUNNING_HEADLINE);

    await page.getByRole('button', { name: 'Request Cancellation' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    const ended = await h.waitFor('web-ui-cancel', (s) => s.state === 'cancelled', 60_000);
    expect(ended.operatorActions).toEqual([expect.objectContaining({ action: 'abort', reason: 'cancellation requested through Temporal (Web UI or API)' })]);
    expect(await describedStatus(h.env, 'install-web-ui-cancel')).toBe('WORKFLOW_EXECUTION_STATUS_CANCELED');
    await page.close();
  }, 180_000);
});
