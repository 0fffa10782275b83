// The Web UI starts an install: headless Chromium (Debian's, driven by playwright-core) opens
// the dev server's Temporal UI, fills its Start Workflow form (type install, task queue
// katonic-install, the spec as the one JSON payload), and the install completes on a real
// worker. The form's input goes through the codec server's /encode, so the history holds it
// sealed. Its screenshots go under the run's temporary directory (printed; the teardown removes
// it unless KATONIC_KEEP_TEST_FILES=1); KATONIC_UPDATE_DOCS_SCREENSHOTS=1 writes them over the
// docs' (docs/operating.md, the README's tour) in docs/ instead, the only way a run changes tracked files.
// The shared dev server of jest's global setup is headless (no UI, no codec endpoint), so this
// file starts its own, with a codec server, as `kinstall dev` does.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { devKeyRingFile } from '../client/codec-keys.js';
import type { CodecServer } from '../client/codec-server.js';
import { CODEC_SERVER_TOKEN_ENV, startInstallCodecServer } from '../client/commands/codec-server.js';
import { freePort } from '../client/dev/free-port.js';
import { startDevServer, type DevServer } from '../client/dev/temporal-dev-server.js';
import { TASK_QUEUE_DEFAULT } from '../lib/local-tools.js';
import { loadDemoSpec, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { REPO_ROOT } from './support/repo.js';
import { describedStatus } from './support/temporal-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_ENV = 'KATONIC_TEST_WEB_UI_CODEC_TOKEN';

let server: DevServer | undefined;
let codec: CodecServer | undefined;
let browser: Browser | undefined;
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
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const encoded: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().startsWith(codec!.url) && new URL(r.url()).pathname.endsWith('/encode')) encoded.push(r.url());
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

    // The install reads well in the UI: search attributes and current details set by the workflow.
    const described = await h.client.workflow.getHandle('install-web-ui-demo').describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.searchAttributes).toMatchObject({
      KatonicCluster: ['web-ui-demo'],
      KatonicTicket: ['OPS-7'],
      KatonicPhase: ['verify'],
      KatonicState: ['completed'],
    });
    const metadata = await h.client.workflow.getHandle('install-web-ui-demo').query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails?.split('\n\n')).toEqual([
      '**completed** · phase **verify**',
      expect.stringMatching(/^Phases done: 6 of 6 \(preflight completed, /),
    ]);
    await page.goto(`${ui}/namespaces/default/workflows/install-web-ui-demo`);
    // The page shows the install, Completed (its text, as a person reads it).
    for (let i = 0; !/\bCOMPLETED\b[\s\S]*install-web-ui-demo/i.test(await page.locator('body').innerText()); i++) {
      if (i === 60) throw new Error(`the Web UI does not show install-web-ui-demo completed: ${(await page.locator('body').innerText()).slice(0, 500)}`);
      await page.waitForTimeout(500);
    }
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(screenshots, 'web-ui-install.png') });
    await page.close();
  }, 420_000);

  it("the Web UI's Request Cancellation ends an install Cancelled, in Temporal and in its status", async () => {
    const file = await h.writeSpec('web-ui-cancel', (spec) => {
      singleNode(spec);
      spec.spec.approvals = ['before-kubespray'];
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('web-ui-cancel', (s) => s.state === 'waiting-for-approval');
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${ui}/namespaces/default/workflows/install-web-ui-cancel`);
    await page.getByRole('button', { name: 'Request Cancellation' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    const ended = await h.waitFor('web-ui-cancel', (s) => s.state === 'cancelled', 60_000);
    expect(ended.operatorActions).toEqual([expect.objectContaining({ action: 'abort', reason: 'cancellation requested through Temporal (Web UI or API)' })]);
    expect(await describedStatus(h.env, 'install-web-ui-cancel')).toBe('WORKFLOW_EXECUTION_STATUS_CANCELED');
    await page.close();
  }, 180_000);
});
