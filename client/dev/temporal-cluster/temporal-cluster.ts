// A production-shaped Temporal: the Temporal Server's frontend, history, matching and worker
// services as four processes of their own (`temporal-server ... start --service NAME`, each
// found by its name), on PostgreSQL (history store and SQL visibility), with the server's own
// TLS (its own CA; internode TLS; the frontend requires a client certificate), the namespace
// and the installs' search attributes registered, and optionally the Web UI pointed at it.
// Each process is started again when it dies; everything stops with `stop()`, and nothing
// outlives a killed parent (a parent-death signal on each). For the tests (started once per
// `npm test`) and `kinstall dev --temporal cluster`.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { execa } from 'execa';
import { localTools } from '../../../lib/local-tools.js';
import { SEARCH_ATTRIBUTES } from '../../../workflows/definitions.js';
import { loadConnection, type TemporalConnection } from '../../connection-profile.js';
import { freePort, freePortBelow } from '../free-port.js';
import { keepRunning, type KeptProcess } from '../kept-process.js';
import { makeCa, makeCert, type CertPair } from '../openssl-pki.js';
import { startSupervised, waitUntilReady } from '../supervised-process.js';
import { tcpOpen } from '../tcp-open.js';
import { startPostgres, TEMPORAL_SQL_USER, type Postgres } from './postgres.js';
import {
  SERVER_NAME,
  SERVICES,
  temporalDynamicConfig,
  temporalServerConfig,
  TEMPORAL_DATABASE,
  VISIBILITY_DATABASE,
  type ServiceName,
  type ServicePorts,
} from './server-config.js';

export const CLUSTER_PROFILE = 'cluster';
export const CLUSTER_NAMESPACE = 'default';
const PASSWORD_ENV = 'KATONIC_TEMPORAL_SQL_PASSWORD';
/** Installs are kept a week after they close, as a small production namespace would. */
const RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface TemporalClusterOptions {
  /** Its files: pki/, postgres/, temporal.yaml, dynamic-config.yaml, temporal.toml, logs/, ui/. */
  dir: string;
  /** The frontend's port (`kinstall dev`: 7233, where the dev server would be); omitted: a free one. */
  frontendPort?: number;
  /** The Web UI on this port, decoding with this codec server; omitted: no UI (tests). */
  ui?: { port: number; codecEndpoint?: string };
  /** Restarts and other events worth a line (`kinstall dev` prints them; tests log them). */
  onEvent?: (line: string) => void;
}

export interface TemporalCluster {
  /** The frontend, 127.0.0.1:port (its certificate names localhost and 127.0.0.1). */
  address: string;
  namespace: string;
  /** A client configuration (TOML) whose profile `cluster` connects with the client certificate. */
  profileFile: string;
  profile: string;
  /** The CA the services' certificates chain to, and a client certificate it issued. */
  tls: { ca: string; client: CertPair };
  /** The server configuration every service process is started with. */
  configFile: string;
  services: Record<ServiceName, KeptProcess>;
  postgres: Postgres;
  uiUrl?: string;
  /** What Connection.connect / NativeConnection.connect take, from the profile. */
  connection(): TemporalConnection;
  stop(): Promise<void>;
}

/** Why the cluster cannot run here, or undefined. */
export function temporalClusterUnavailable(): string | undefined {
  const server = localTools.temporalServerBin('temporal-server');
  if (!existsSync(server)) return `no ${server} (scripts/setup.sh builds the Temporal Server from go.temporal.io/server)`;
  return undefined;
}

async function makePki(dir: string) {
  const ca = await makeCa(dir, 'temporal-ca', 365);
  const [peer, systemWorker, client] = await Promise.all([
    makeCert(dir, 'temporal-services', ca, 'peer', { days: 365 }),
    makeCert(dir, 'temporal-system-worker', ca, 'client', { days: 365 }),
    makeCert(dir, 'katonic-installer', ca, 'client', { days: 365 }),
  ]);
  return { ca: ca.crt, peer, systemWorker, client };
}

const profileToml = (address: string, ca: string, client: CertPair) =>
  `# Written by client/dev/temporal-cluster: the production-shaped cluster, with the client certificate its CA issued.
[profile.${CLUSTER_PROFILE}]
address = "${address}"
namespace = "${CLUSTER_NAMESPACE}"

[profile.${CLUSTER_PROFILE}.tls]
server_name = "${SERVER_NAME}"
server_ca_cert_path = "${ca}"
client_cert_path = "${client.crt}"
client_key_path = "${client.key}"
`;

async function sqlTool(postgres: Postgres, database: string, ...args: string[]): Promise<void> {
  const env = { SQL_PASSWORD: postgres.password };
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(postgres.port), '-u', TEMPORAL_SQL_USER, '--db', database];
  await execa(localTools.temporalServerBin('temporal-sql-tool'), [...base, ...args], { env, extendEnv: false, stdin: 'ignore' });
}

/** The databases and their schemas at the server's version (the tool's embedded schemas; already there: brought up to date). */
async function ensureSchemas(postgres: Postgres): Promise<void> {
  const schemas: [string, string][] = [
    [TEMPORAL_DATABASE, 'postgresql/v12/temporal'],
    [VISIBILITY_DATABASE, 'postgresql/v12/visibility'],
  ];
  for (const [database, schema] of schemas) {
    await sqlTool(postgres, database, '--quiet', 'create-database');
    await sqlTool(postgres, database, '--quiet', 'setup-schema', '-v', '0.0');
    await sqlTool(postgres, database, 'update-schema', '--schema-name', schema);
  }
}

/**
 * The services learn of a new namespace from their registries' refresh (every 2 s): until then it
 * is not found. Usable once a lookup is answered about the workflow, not the namespace.
 */
async function untilNamespaceUsable({ workflowService }: Connection): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const err = await workflowService
      .describeWorkflowExecution({ namespace: CLUSTER_NAMESPACE, execution: { workflowId: 'katonic-cluster-ready-probe' } })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    if (!err || !/namespace/i.test(err.message)) return;
    if (Date.now() > deadline) throw new Error(`the namespace ${CLUSTER_NAMESPACE} was registered and not usable within 30 s: ${err.message}`);
    await sleep(250);
  }
}

/** The namespace and the installs' search attributes (SQL visibility maps them to its columns). */
async function ensureNamespace(connection: Connection): Promise<void> {
  const { workflowService, operatorService } = connection;
  const known = await workflowService.describeNamespace({ namespace: CLUSTER_NAMESPACE }).then(
    () => true,
    () => false,
  );
  if (!known) {
    await workflowService.registerNamespace({ namespace: CLUSTER_NAMESPACE, workflowExecutionRetentionPeriod: msToTs(RETENTION_MS) });
  }
  await untilNamespaceUsable(connection);
  const { customAttributes } = await operatorService.listSearchAttributes({ namespace: CLUSTER_NAMESPACE });
  const wanted = Object.values(SEARCH_ATTRIBUTES).filter((key) => !customAttributes?.[key.name]);
  if (wanted.length) {
    const type = (k: (typeof wanted)[number]) =>
      proto.temporal.api.enums.v1.IndexedValueType[
        `INDEXED_VALUE_TYPE_${TypedSearchAttributes.toMetadataType(k.type).toUpperCase()}` as 'INDEXED_VALUE_TYPE_KEYWORD'
      ];
    await operatorService.addSearchAttributes({ namespace: CLUSTER_NAMESPACE, searchAttributes: Object.fromEntries(wanted.map((k) => [k.name, type(k)])) });
  }
}

const servicePorts = async (frontendPort?: number): Promise<ServicePorts> => {
  const ports = {} as ServicePorts;
  // Membership ports below 32768: the cluster_membership table keeps them as a smallint.
  for (const name of SERVICES) ports[name] = { grpc: await freePort(), membership: await freePortBelow(32_768) };
  if (frontendPort) ports.frontend.grpc = frontendPort;
  return ports;
};

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const onEvent = opts.onEvent ?? (() => undefined);
  const logs = join(opts.dir, 'logs');
  await mkdir(logs, { recursive: true, mode: 0o700 });
  const [pki, ports, postgres] = await Promise.all([
    makePki(join(opts.dir, 'pki')),
    servicePorts(opts.frontendPort),
    freePort().then((port) => startPostgres({ dir: join(opts.dir, 'postgres'), port, onEvent })),
  ]);
  const stopAll: (() => Promise<void>)[] = [() => postgres.stop()];
  const stop = async () => {
    // The UI and the frontend first, PostgreSQL last: a service stopping still writes.
    for (const s of stopAll.reverse()) await s();
  };
  try {
    await ensureSchemas(postgres);
    const configFile = join(opts.dir, 'temporal.yaml');
    const dynamicConfigFile = join(opts.dir, 'dynamic-config.yaml');
    await writeFile(dynamicConfigFile, temporalDynamicConfig());
    await writeFile(
      configFile,
      temporalServerConfig({ ports, postgres: { address: postgres.address, user: TEMPORAL_SQL_USER }, tls: pki, dynamicConfigFile, passwordEnv: PASSWORD_ENV }),
    );
    const address = `127.0.0.1:${ports.frontend.grpc}`;
    const profileFile = join(opts.dir, 'temporal.toml');
    await writeFile(profileFile, profileToml(address, pki.ca, pki.client));
    const connection = () => loadConnection({ configFile: profileFile, profile: CLUSTER_PROFILE }, {});
    const frontendAnswers = async () => {
      const c = await Connection.connect({ ...connection(), connectTimeout: '1s' });
      try {
        await c.workflowService.getSystemInfo({});
        return true;
      } finally {
        await c.close();
      }
    };
    const startService = (name: ServiceName) =>
      keepRunning(
        `the Temporal ${name} service`,
        async () => {
          const proc = await startSupervised(
            `the Temporal ${name} service`,
            localTools.temporalServerBin('temporal-server'),
            // No authorizer (--allow-no-auth): the frontend's mTLS decides who connects, and
            // every client of this cluster is the installer.
            ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name],
            { logFile: join(logs, `${name}.log`), env: { [PASSWORD_ENV]: postgres.password } },
          );
          await waitUntilReady(proc, name === 'frontend' ? frontendAnswers : () => tcpOpen('127.0.0.1', ports[name].grpc), 120_000);
          return proc;
        },
        onEvent,
      );
    // History first, alone: the first process of a new cluster writes its metadata, and two at
    // once race on that row. Then the others side by side.
    const services = {} as Record<ServiceName, KeptProcess>;
    const startAndKeep = async (name: ServiceName) => {
      services[name] = await startService(name);
      stopAll.push(() => services[name].stop());
    };
    await startAndKeep('history');
    const started = await Promise.allSettled(SERVICES.filter((name) => name !== 'history').map(startAndKeep));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const admin = await Connection.connect(connection());
    try {
      await ensureNamespace(admin);
    } finally {
      await admin.close();
    }
    let uiUrl: string | undefined;
    if (opts.ui) {
      const ui = await startWebUi(join(opts.dir, 'ui'), opts.ui, address, pki);
      stopAll.push(() => ui.stop());
      uiUrl = `http://127.0.0.1:${opts.ui.port}`;
    }
    return {
      address,
      namespace: CLUSTER_NAMESPACE,
      profileFile,
      profile: CLUSTER_PROFILE,
      tls: { ca: pki.ca, client: pki.client },
      configFile,
      services,
      postgres,
      uiUrl,
      connection,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The Temporal Web UI server, connected to the frontend with the client certificate. */
async function startWebUi(dir: string, ui: { port: number; codecEndpoint?: string }, address: string, pki: { ca: string; client: CertPair }) {
  await mkdir(join(dir, 'config'), { recursive: true });
  const config = {
    temporalGrpcAddress: address,
    host: '127.0.0.1',
    port: ui.port,
    enableUi: true,
    defaultNamespace: CLUSTER_NAMESPACE,
    refreshInterval: '1m',
    tls: { caFile: pki.ca, certFile: pki.client.crt, keyFile: pki.client.key, serverName: SERVER_NAME, enableHostVerification: true },
    codec: ui.codecEndpoint ? { endpoint: ui.codecEndpoint } : {},
  };
  await writeFile(join(dir, 'config', 'cluster.yaml'), JSON.stringify(config, null, 2));
  const proc = await keepRunning('the Temporal Web UI', async () => {
    const p = await startSupervised(
      'the Temporal Web UI',
      localTools.temporalServerBin('temporal-ui-server'),
      ['--root', dir, '--config', 'config', '--env', 'cluster', 'start'],
      {
        logFile: join(dir, 'ui.log'),
      },
    );
    await waitUntilReady(p, () => tcpOpen('127.0.0.1', ui.port), 30_000);
    return p;
  });
  return proc;
}
