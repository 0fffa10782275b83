// The Temporal Server's configuration for the production-shaped cluster: one file that all four
// service processes read (each runs the one `--service` it is started with), shaped as the
// server's own config/development-postgres12.yaml (v1.32.1), with:
// - PostgreSQL for the history store and for visibility (SQL visibility: custom search
//   attributes live in the visibility database's columns);
// - its own TLS: internode (history, matching, worker, the frontend's membership peers) with a
//   peer certificate both ways, and the frontend requiring a client certificate from its CA;
// - the SQL password from the environment (a template, so no file holds it).
import yaml from 'js-yaml';

export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Each service's gRPC and membership (ringpop) ports; the frontend's HTTP API is off. */
export type ServicePorts = Record<ServiceName, { grpc: number; membership: number }>;

export interface ServerTlsFiles {
  ca: string;
  /** The services' certificate for each other and for their clients: server and client use. */
  peer: { crt: string; key: string };
  /** The system worker's client certificate for the frontend. */
  systemWorker: { crt: string; key: string };
}

export interface ServerConfigInput {
  ports: ServicePorts;
  postgres: { address: string; user: string };
  tls: ServerTlsFiles;
  dynamicConfigFile: string;
  /** The environment variable the processes read the SQL password from. */
  passwordEnv: string;
}

export const TEMPORAL_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';
/** The name in the frontend's certificate, which clients and the services verify. */
export const SERVER_NAME = 'localhost';

export function temporalServerConfig(input: ServerConfigInput): string {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: input.postgres.address,
      connectProtocol: 'tcp',
      user: input.postgres.user,
      password: `{{ env "${input.passwordEnv}" }}`,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const client = { serverName: SERVER_NAME, rootCaFiles: [input.tls.ca] };
  const server = (requireClientAuth: boolean) => ({
    certFile: input.tls.peer.crt,
    keyFile: input.tls.peer.key,
    clientCaFiles: [input.tls.ca],
    requireClientAuth,
  });
  const doc = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': sql(TEMPORAL_DATABASE, 10), 'postgres-visibility': sql(VISIBILITY_DATABASE, 4) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      tls: {
        internode: { server: server(true), client },
        frontend: { server: server(true), client },
        systemWorker: { certFile: input.tls.systemWorker.crt, keyFile: input.tls.systemWorker.key, client },
      },
    },
    services: Object.fromEntries(
      SERVICES.map((name) => [name, { rpc: { grpcPort: input.ports[name].grpc, membershipPort: input.ports[name].membership, bindOnLocalHost: true } }]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `localhost:${input.ports.frontend.grpc}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
  return `# enable-template\n# Written by client/dev/temporal-cluster (kinstall dev --temporal cluster, the tests); made again at each start.\n${yaml.dump(doc, { lineWidth: -1, noRefs: true })}`;
}

/**
 * The server's dynamic configuration: what a small cluster under tests and demos needs to act
 * promptly. Search attributes are read through on each request (a list right after they are
 * registered sees them), as the dev server does; a Worker Deployment version reads Drained
 * (docs/production.md, "Rolling out a new worker build") seconds after its last pinned workflow
 * closes, not minutes: the defaults (3 min for visibility to catch up with a workflow's build id,
 * then a check every 3 min) suit a large visibility store, and would make the rollout test wait.
 */
export function temporalDynamicConfig(): string {
  const value = (v: unknown) => [{ value: v, constraints: {} }];
  return yaml.dump({
    'system.forceSearchAttributesCacheRefreshOnRead': value(true),
    'matching.wv.VersionDrainageStatusRefreshInterval': value('1s'),
    'matching.wv.VersionDrainageStatusVisibilityGracePeriod': value('2s'),
  });
}
