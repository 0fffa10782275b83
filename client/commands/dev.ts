// dev: the embedded default on one machine: Temporal dev server with Web UI (sqlite under
// the data dir), the codec server the UI decodes with, a local Kubernetes control plane (real
// kube-apiserver, simulated nodes), a worker, the webhook server with the demo config, and
// with --demo the demo install. The first run makes this machine's codec key, codec server
// token and (if KATONIC_JIRA_WEBHOOK_SECRET is unset) Jira webhook secret, mode 0600.
import { rm, writeFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dataDir, logLevel, metricsAddress, REPO_ROOT, WEB_UI_URL_ENV } from '../../lib/local-tools.js';
import { ansibleTaskQueue } from '../../lib/temporal/task-queues.js';
import { installWorkflowId } from '../../workflows/definitions.js';
import { createInstallWorkers } from '../../worker/create-worker.js';
import { installTelemetry } from '../../worker/telemetry.js';
import { CliError } from '../cli-error.js';
import { ensureDevKeyRing, loadKeyRing } from '../codec-keys.js';
import { connectClient } from '../connection.js';
import { loadConnection, type ConnectionFlags } from '../connection-profile.js';
import { CODEC_SERVER_PORT, DEFAULT_UI_ORIGINS } from '../codec-server-defaults.js';
import { startControlPlane } from '../dev/control-plane/control-plane.js';
import { startSshNodes, type SshNodes } from '../dev/ssh-nodes/ssh-nodes.js';
import { onSshNodes } from '../dev/ssh-nodes/ssh-spec.js';
import { ensureDevToken, startInstallCodecServer } from './codec-server.js';
import { serverReachable, startDevServer, type DevServer } from '../dev/temporal-dev-server.js';
import { postgresUnavailable } from '../dev/temporal-cluster/postgres.js';
import { startTemporalCluster, temporalClusterUnavailable, type TemporalCluster } from '../dev/temporal-cluster/temporal-cluster.js';
import { installThroughCluster } from '../api/clusters.js';
import { loadSpec } from '../load-spec.js';
import { formatStatus } from '../status-table.js';
import { DEFAULT_WEBHOOK_CONFIG, WEBHOOK_PORT } from '../webhooks/defaults.js';
import { devJiraSecret, JIRA_SECRET_ENV } from '../webhooks/dev-secret.js';
import { watchInstall } from './inspect.js';
import { startInstallWebhookServer } from './webhook.js';
import { ansibleSlotsSetting, connectWorker, installQueueSetting } from './worker.js';

export const DEMO_SPEC = join(REPO_ROOT, 'inventories', 'local-demo', 'install.yaml');
const UI_PORT = 8233;
const KUBE_API_PORT = 6443;

async function runDemo(client: Client, uiBase: string): Promise<void> {
  const spec = await loadSpec(DEMO_SPEC);
  const id = installWorkflowId(spec.metadata.name);
  const running = await client.workflow
    .getHandle(id)
    .describe()
    .then((d) => d.status.name === 'RUNNING')
    .catch(() => false);
  if (running) {
    console.log(`The demo install ${id} is still running from before: following it.`);
  } else {
    // A fresh demo each time: its journal and fail counters start empty.
    await rm(join(dataDir(), 'runs', spec.metadata.name), { recursive: true, force: true });
    await installThroughCluster(client, spec);
  }
  console.log(`Demo install: ${uiBase}/namespaces/default/workflows/${id}`);
  const status = await watchInstall(client, id, (line) => console.log(`  ${line}`));
  console.log(`\n${formatStatus(status)}\n`);
}

/** SSH test nodes and a spec for them in <dataDir>/ssh-nodes/install.yaml (the contract's place). */
async function startSshDemo(count: number): Promise<SshNodes> {
  const dir = join(dataDir(), 'ssh-nodes');
  const set = await startSshNodes({ count, dir, names: Array.from({ length: count }, (_, i) => `ssh-node-${i + 1}`) });
  const spec = await loadSpec(DEMO_SPEC);
  spec.metadata = { name: 'ssh-demo' };
  onSshNodes(spec, set);
  const file = join(dir, 'install.yaml');
  await writeFile(file, `# ${count} SSH test nodes made by kinstall dev --ssh-nodes ${count}; they go when it stops.\n${yaml.dump(spec, { lineWidth: -1 })}`);
  console.log(
    `SSH test nodes: ${set.nodes.map((n) => `${n.name} ${n.address}`).join(', ')} (user ${set.user}); install on them with: npx kinstall start ${file}`,
  );
  return set;
}

/** The Temporal dev server on the connection's port, unless a server already answers there. */
async function startOrUseDevServer(
  flags: ConnectionFlags,
  codecServer: { url: string; uiEndpoint: string },
): Promise<{ server?: DevServer; flags: ConnectionFlags }> {
  const connection = loadConnection(flags);
  if (await serverReachable(connection.address)) {
    console.log(`Using the Temporal server already at ${connection.address} (point its Web UI's codec server at ${codecServer.url}/<token>)`);
    return { flags };
  }
  const port = Number(connection.address.split(':').at(-1));
  if (!Number.isInteger(port)) throw new CliError(`--address ${connection.address}: expected host:port`, 2);
  const server = await startDevServer({ port, uiPort: UI_PORT, dbFile: join(dataDir(), 'temporal.db'), uiCodecEndpoint: codecServer.uiEndpoint });
  // The worker links tickets to installs in this Web UI.
  process.env[WEB_UI_URL_ENV] ??= `http://localhost:${UI_PORT}`;
  console.log(`Temporal dev server on ${server.address}, Web UI http://localhost:${UI_PORT} (payloads decoded by the codec server on ${codecServer.url})`);
  return { server, flags };
}

/**
 * The production-shaped Temporal (--temporal cluster), its state (PostgreSQL's data) kept under
 * the data directory; everything after connects by its profile (mTLS).
 */
async function startDevCluster(flags: ConnectionFlags, uiCodecEndpoint: string): Promise<{ server: TemporalCluster; flags: ConnectionFlags }> {
  const unavailable = temporalClusterUnavailable() ?? postgresUnavailable();
  if (unavailable) throw new CliError(`--temporal cluster: ${unavailable}`, 2);
  console.log('Starting the production-shaped Temporal: PostgreSQL, then the frontend, history, matching and worker services…');
  const port = Number(loadConnection(flags).address.split(':').at(-1));
  const server = await startTemporalCluster({
    dir: join(dataDir(), 'temporal-cluster'),
    frontendPort: Number.isInteger(port) ? port : undefined,
    ui: { port: UI_PORT, codecEndpoint: uiCodecEndpoint },
    onEvent: (line) => console.log(line),
  });
  process.env[WEB_UI_URL_ENV] ??= server.uiUrl;
  console.log(
    `Temporal cluster: frontend ${server.address} (mTLS: profile "${server.profile}" in ${server.profileFile}), PostgreSQL ${server.postgres.address}, Web UI ${server.uiUrl} (payloads decoded by the codec server)`,
  );
  return { server, flags: { ...flags, address: undefined, configFile: server.profileFile, profile: server.profile } };
}

export async function devCommand(options: ConnectionFlags & { demo: boolean; worker: boolean; sshNodes?: number; temporal: 'dev' | 'cluster' }): Promise<void> {
  // A bad setting stops dev before it starts anything.
  const ansibleSlots = options.worker ? ansibleSlotsSetting() : undefined;
  const queue = installQueueSetting();
  await Promise.all([ensureDevKeyRing(), ensureDevToken()]);
  const codecServer = await startInstallCodecServer({ port: CODEC_SERVER_PORT, host: '127.0.0.1', origins: DEFAULT_UI_ORIGINS });
  const { server, flags } =
    options.temporal === 'cluster' ? await startDevCluster(options, codecServer.uiEndpoint) : await startOrUseDevServer(options, codecServer);
  const opts = { ...options, ...flags };
  const connection = loadConnection(opts);
  console.log('Starting the local Kubernetes control plane (etcd, kube-apiserver, controllers, scheduler, kwok nodes, storage provisioners)…');
  const cluster = await startControlPlane({ dir: join(dataDir(), 'control-plane'), port: KUBE_API_PORT, keepState: true });
  console.log(`Kubernetes API on ${cluster.server}, admin kubeconfig ${cluster.kubeconfig}`);
  const sshNodes = opts.sshNodes ? await startSshDemo(opts.sshNodes) : undefined;
  // The SDK's INFO lines (state changes, polling) would drown the demo's progress: WARN here.
  if (opts.worker) installTelemetry({ metricsAddress: metricsAddress(), logLevel: logLevel('WARN') });
  const worker = ansibleSlots
    ? await createInstallWorkers({
        connection: await connectWorker(connection),
        namespace: connection.namespace,
        taskQueue: queue,
        dataDir: dataDir(),
        keyRing: await loadKeyRing(),
        ansibleSlots,
      })
    : undefined;
  const workerDone = worker?.run();
  console.log(
    worker
      ? `Worker on task queue ${queue} (Ansible runs on ${ansibleTaskQueue(queue)}, ${ansibleSlots} at once); Ctrl-C stops everything`
      : `No worker (--no-worker): start one with "npx kinstall worker"; Ctrl-C stops everything`,
  );
  const jira = await devJiraSecret();
  const webhooks = await startInstallWebhookServer({ ...opts, port: WEBHOOK_PORT, host: '127.0.0.1' }, { referenceFallbacks: jira.fallbacks });
  console.log(
    `Webhook server on ${webhooks.url} (config ${DEFAULT_WEBHOOK_CONFIG}); Jira secret ${jira.file ? `${jira.file} (${JIRA_SECRET_ENV} is unset)` : `from ${JIRA_SECRET_ENV}`}; a signed test delivery: README, "A tour of the demo"`,
  );
  const client = await connectClient(opts);

  const shutdown = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  if (opts.demo) {
    await Promise.race([runDemo(client, `http://localhost:${UI_PORT}`), shutdown]);
    console.log('Serving until Ctrl-C.');
  }
  await shutdown;
  console.log('Shutting down…');
  // The SDK stops the worker on SIGINT/SIGTERM by itself; this covers the other ways here.
  worker?.shutdown();
  await workerDone;
  await client.connection.close();
  await webhooks.close();
  await sshNodes?.close();
  await cluster.stop();
  await codecServer.close();
  await server?.stop();
}
