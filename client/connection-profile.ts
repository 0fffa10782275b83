// Where every process that talks to Temporal (the CLI, the worker, the webhook server) gets
// its connection: a profile of Temporal's client configuration (@temporalio/envconfig: the
// TOML file at --config-file, TEMPORAL_CONFIG_FILE or ~/.config/temporalio/temporal.toml,
// profile --profile or TEMPORAL_PROFILE, then the TEMPORAL_* environment variables: address,
// namespace, API key, TLS with a CA, a client certificate and key), with the command-line
// flags on top. One loader, so that the three cannot drift apart.
import { existsSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ClientConnectConfig } from '@temporalio/envconfig';
import { CliError } from './cli-error.js';
import { probeTls } from './probe-tls.js';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
/** The variables @temporalio/envconfig reads for the file and the profile (it exports no names). */
export const CONFIG_FILE_ENV = 'TEMPORAL_CONFIG_FILE';
export const PROFILE_ENV = 'TEMPORAL_PROFILE';

/** The flags of every verb that connects (all optional: the profile and environment fill in). */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  profile?: string;
  configFile?: string;
  tlsCaPath?: string;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsServerName?: string;
}

/** What Connection.connect (client) and NativeConnection.connect (worker) both take, and the namespace. */
export type TemporalConnection = ClientConnectConfig['connectionOptions'] & { address: string; namespace: string };

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `host:port`, or exit 2 naming where it came from. */
export function checkAddress(address: string, source = '--address'): void {
  const m = HOST_PORT.exec(address);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new CliError(`${source} ${address}: expected host:port, such as ${DEFAULT_ADDRESS}`, 2);
}

function readProfile(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ClientConfigProfile {
  if (flags.configFile && !existsSync(flags.configFile))
    throw new CliError(`--config-file ${flags.configFile}: no such file; expected a Temporal client configuration (TOML)`, 2);
  const source = flags.configFile ? '--config-file' : env[CONFIG_FILE_ENV] ? CONFIG_FILE_ENV : 'the Temporal client configuration';
  try {
    return loadClientConfigProfile({
      profile: flags.profile ?? env[PROFILE_ENV],
      configSource: flags.configFile ? { path: flags.configFile } : undefined,
      overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
  } catch (err) {
    throw new CliError(`${source}: ${(err as Error).message.split('\n')[0]}`, 2);
  }
}

/** The profile's TLS with the --tls-* flags on top. */
function withTlsFlags(profile: ClientConfigProfile, flags: ConnectionFlags): ClientConfigProfile['tls'] {
  const paths = { serverCACert: flags.tlsCaPath, clientCert: flags.tlsCertPath, clientKey: flags.tlsKeyPath };
  if (!Object.values(paths).some(Boolean) && !flags.tlsServerName) return profile.tls;
  const tls = { ...profile.tls, disabled: false };
  for (const [key, path] of Object.entries(paths)) if (path) tls[key as keyof typeof paths] = { path };
  if (flags.tlsServerName) tls.serverName = flags.tlsServerName;
  return tls;
}

const TLS_FILES = [
  ['serverCACert', '--tls-ca-path / tls.server_ca_cert_path / TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
  ['clientCert', '--tls-cert-path / tls.client_cert_path / TEMPORAL_TLS_CLIENT_CERT_PATH'],
  ['clientKey', '--tls-key-path / tls.client_key_path / TEMPORAL_TLS_CLIENT_KEY_PATH'],
] as const;

/** The connection for this process: profile, then environment, then flags. Bad input exits 2 naming the setting. */
export function loadConnection(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = process.env): TemporalConnection {
  const profile = readProfile(flags, env);
  const merged: ClientConfigProfile = {
    ...profile,
    address: flags.address ?? profile.address,
    namespace: flags.namespace ?? profile.namespace,
    tls: withTlsFlags(profile, flags),
  };
  for (const [key, names] of TLS_FILES) {
    const source = merged.tls?.[key];
    if (source && 'path' in source && !existsSync(source.path)) throw new CliError(`${names}: no such file ${source.path}`, 2);
  }
  if (merged.tls?.clientCert && !merged.tls.clientKey)
    throw new CliError('a TLS client certificate without its key: set --tls-key-path (or tls.client_key_path, TEMPORAL_TLS_CLIENT_KEY_PATH)', 2);
  const address = merged.address ?? DEFAULT_ADDRESS;
  checkAddress(address, flags.address ? '--address' : 'the connection profile address');
  const { connectionOptions, namespace } = toClientOptions(merged);
  return { ...connectionOptions, address, namespace: namespace ?? DEFAULT_NAMESPACE };
}

/** How a connection reads in a message: its address and whether it uses TLS (never its key or API key). */
export const describeConnection = (c: TemporalConnection): string => `${c.address}${c.tls ? ' (TLS)' : ''}`;

/** The messages of an error and its causes (the SDK wraps the transport's answer). */
function messages(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++)
    out.push(((e as Error).message ?? String(e)).split('\n')[0] ?? '');
  return out;
}

/**
 * Why a connection failed, in one line. A TLS-terminating proxy that refuses the client
 * certificate (or gets none) answers HTTP 400 instead of gRPC, so the SDK reports a status 400
 * or a protocol error: that is said in words, naming the settings to check.
 */
/**
 * `connectionFailure`, or, where the server's TLS is what the client lacks (plain text to a TLS
 * server, no client certificate for one that requires it), that and how to give it.
 */
export async function explainConnectionFailure(connection: TemporalConnection, err: unknown): Promise<string> {
  const hasClientCert = Boolean(connection.tls && typeof connection.tls === 'object' && connection.tls.clientCertPair);
  if (connection.tls && hasClientCert) return connectionFailure(connection, err);
  const answer = await probeTls(connection.address);
  const certificate = "--tls-cert-path and --tls-key-path, or the profile's tls.client_cert_path and tls.client_key_path";
  if (!connection.tls && answer !== 'no TLS') {
    return `the Temporal server at ${connection.address} requires TLS (it answers a TLS handshake${answer === 'TLS' ? '' : ' and asks for a client certificate'}): connect by its profile (--profile and --config-file, or TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE), or with --tls-ca-path${answer === 'TLS' ? '' : ` and ${certificate}`}`;
  }
  if (connection.tls && answer === 'TLS with a client certificate') {
    return `the Temporal server at ${connection.address} requires a client certificate (mutual TLS): give ${certificate}`;
  }
  return connectionFailure(connection, err);
}

export function connectionFailure(connection: TemporalConnection, err: unknown): string {
  const all = messages(err);
  const refused = all.find((m) => /status code 400|400 Bad Request|certificate|handshake/i.test(m));
  if (connection.tls && refused) {
    return `the Temporal server at ${describeConnection(connection)} refused this client's TLS certificate (or its TLS set-up): check the client certificate and key (--tls-cert-path, --tls-key-path, or the profile's tls.client_cert_path, tls.client_key_path) and the CA (--tls-ca-path, tls.server_ca_cert_path); the server answered: ${refused}`;
  }
  return `cannot reach the Temporal server at ${describeConnection(connection)}: ${all.at(-1) ?? ''} (start one with "npx kinstall dev")`;
}
