// The webhook server under load: 200 signed Jira deliveries a second for 10 s over loopback,
// every other one a redelivery of the one before (same X-Atlassian-Webhook-Identifier), the
// fresh ones spread over 250 tickets (4 distinct deliveries each). The real server code and a
// real Temporal dev server of its own (no worker: the installs are started, not run). Prints
// p50/p99 latency per kind of delivery and the installs started, against the goals (p99 under
// 200 ms, exactly one install per distinct ticket); asserts nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { devKeyRingFile, ensureDevKeyRing, loadKeyRing } from '../client/codec-keys.js';
import { freePort } from '../client/dev/free-port.js';
import { startDevServer } from '../client/dev/temporal-dev-server.js';
import { loadWebhookConfig } from '../client/webhooks/load-config.js';
import { startWebhookServer } from '../client/webhooks/webhook-server.js';
import { sealingClientDataConverter } from '../lib/codec/data-converter.js';
import { table } from '../lib/format/table.js';
import { DEMO_SPEC } from '../test/support/repo.js';
import { jiraHeaders, jiraTransition, post } from '../test/support/webhook-deliveries.js';
import { percentile } from './support/statistics.js';

const RATE = 200;
const SECONDS = 10;
const TICKETS = 250;
const GOAL_P99_MS = 200;
const SECRET = 'bench-jira-secret-0123456789';

export default async function webhookLoad(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-webhooks-'));
  process.env.KATONIC_TASK_QUEUE = `katonic-bench-webhooks-${process.pid}`;
  process.env.BENCH_JIRA_WEBHOOK_SECRET = SECRET;
  const server = await startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal.db') });
  await ensureDevKeyRing(dir);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: sealingClientDataConverter(await loadKeyRing(`file:${devKeyRingFile(dir)}`)) });
  const config = join(dir, 'webhooks.yaml');
  await writeFile(
    config,
    `apiVersion: katonic.ai/v1
kind: WebhookConfig
sources: {jira: {secretRefs: [env:BENCH_JIRA_WEBHOOK_SECRET]}}
rules:
  - {name: jira-install, source: jira, event: "jira:issue_updated", statusTo: Install, action: start, spec: ${DEMO_SPEC},
     set: {metadata.name: {field: issue.key, lowerCase: true}, metadata.ticket: {field: issue.key}}}
`,
  );
  const webhooks = await startWebhookServer({ loaded: await loadWebhookConfig(config), client, port: await freePort(), host: '127.0.0.1' });
  try {
    const url = `${webhooks.url}/webhooks/jira`;
    const results: { kind: 'fresh' | 'redelivery'; ms: number; status: number }[] = [];
    const sends: Promise<void>[] = [];
    const errors: string[] = [];
    let last: { raw: string; headers: Record<string, string> } | undefined;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < RATE * SECONDS; i++) {
      // Open loop: each delivery leaves at its own time, whatever the answers before it.
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const kind = i % 2 === 0 ? 'fresh' : 'redelivery';
      if (kind === 'fresh') {
        const raw = JSON.stringify(jiraTransition(`LOAD-${(i / 2) % TICKETS}`, 'Install'));
        last = { raw, headers: jiraHeaders(raw, SECRET, `bench-delivery-${i}`) };
      }
      const { raw, headers } = last!;
      const started = performance.now();
      // A connection error counts as status 0: it is reported, not thrown.
      const status = post(url, raw, headers).then((r) => r.status, (err: Error) => (errors.push(String((err.cause as Error | undefined)?.message ?? err.message)), 0));
      sends.push(status.then((s) => void results.push({ kind, ms: performance.now() - started, status: s })));
    }
    await Promise.all(sends);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // Visibility is eventually consistent: count until two reads agree.
    let installs = -1;
    for (let previous = -2; installs !== previous; await sleep(1000)) {
      previous = installs;
      installs = 0;
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'install'` })) if (wf.workflowId.startsWith('install-load-')) installs++;
    }
    const row = (label: string, rs: typeof results) => {
      const ms = rs.map((r) => r.ms);
      return [label, String(rs.length), percentile(ms, 50).toFixed(1), percentile(ms, 99).toFixed(1), (percentile(ms, 99) / GOAL_P99_MS).toFixed(2)];
    };
    console.log(`${results.length} deliveries in ${elapsed.toFixed(1)} s (${(results.length / elapsed).toFixed(0)}/s) over loopback, ${TICKETS} distinct tickets`);
    // Sender and server share this process: a machine busy elsewhere shows here as a long run.
    console.log(`CPU of this process (sender and server): ${((cpu.user + cpu.system) / 1000 / results.length).toFixed(2)} ms per delivery; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
    console.log(
      table([
        ['DELIVERIES', 'COUNT', 'P50 MS', 'P99 MS', 'P99 / 200 MS GOAL'],
        row('all', results),
        row('fresh', results.filter((r) => r.kind === 'fresh')),
        row('redelivery', results.filter((r) => r.kind === 'redelivery')),
      ]),
    );
    const statuses = [...new Set(results.map((r) => r.status))].sort().map((s) => `${s}: ${results.filter((r) => r.status === s).length}`);
    console.log(`answers ${statuses.join(', ')}${errors.length ? ` (0: no answer: ${[...new Set(errors)].join(', ')})` : ''}`);
    console.log(`installs started: ${installs} on the server, ${results.filter((r) => r.status === 201).length} answered 201, for ${TICKETS} distinct tickets (goal: exactly one each)`);
  } finally {
    await webhooks.close();
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
