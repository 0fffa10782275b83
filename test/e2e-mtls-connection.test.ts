// Production connections: the worker and the CLI reach the dev server through a
// TLS-terminating gRPC proxy that asks for client certificates (Debian's nginx, grpc_pass,
// ssl_verify_client on), connected by a profile of Temporal's client configuration (TOML file,
// @temporalio/envconfig); a client certificate from another CA is refused with a clear message.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describeIfAvailable } from './support/describe-if.js';
import { makeCa, makeCert } from '../client/dev/openssl-pki.js';
import { startGrpcTlsProxy, type GrpcTlsProxy } from './support/grpc-tls-proxy.js';
import { NGINX } from './support/nginx.js';
import { singleNode, startHarness, withEnv, type Harness } from './support/e2e-harness.js';
import { CLI } from './support/repo.js';

const unavailable = existsSync(NGINX) ? undefined : `no ${NGINX} (scripts/setup.sh installs nginx-light as root)`;
const describeTls = describeIfAvailable('the mutual-TLS connection tests', unavailable);

let h: Harness;
let proxy: GrpcTlsProxy;
let configFile: string;
beforeAll(async () => {
  if (unavailable) return;
  h = await startHarness('mtls');
  const dir = join(h.dataDir, 'tls');
  await mkdir(dir, { mode: 0o700 });
  const ca = await makeCa(dir, 'ca');
  const strangerCa = await makeCa(dir, 'stranger-ca');
  const [server, client, stranger] = await Promise.all([
    makeCert(dir, 'server', ca, 'server'),
    makeCert(dir, 'client', ca, 'client'),
    makeCert(dir, 'stranger', strangerCa, 'client'),
  ]);
  proxy = await startGrpcTlsProxy({ dir, upstream: h.env.TEMPORAL_ADDRESS!, server, clientCa: ca.crt });
  configFile = join(dir, 'temporal.toml');
  const profile = (name: string, cert: { crt: string; key: string }) =>
    `[profile.${name}]\naddress = "${proxy.address}"\nnamespace = "default"\n[profile.${name}.tls]\nserver_ca_cert_path = "${ca.crt}"\nclient_cert_path = "${cert.crt}"\nclient_key_path = "${cert.key}"\n`;
  await writeFile(configFile, `${profile('production', client)}\n${profile('stranger', stranger)}`);
});
afterAll(async () => {
  await h?.close();
  await proxy?.stop();
});

/** The CLI with the connection from the profile only: no TEMPORAL_ADDRESS pointing past the proxy. */
const cli = async (env: Record<string, string | undefined>, ...args: string[]) => {
  const r = await execa('node', [CLI, ...args], {
    env: withEnv(h.env, { TEMPORAL_ADDRESS: undefined, TEMPORAL_CONFIG_FILE: configFile, ...env }),
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

describeTls('connections through a TLS-terminating gRPC proxy with client certificates (real nginx, real dev server)', () => {
  it('the worker and the CLI connect by the profile and run a stand-in install to completion', async () => {
    await h.startWorker({ env: { TEMPORAL_ADDRESS: undefined, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'production' } });
    const file = await h.writeSpec('over-mtls', singleNode);
    const started = await cli({ TEMPORAL_PROFILE: 'production' }, 'start', file, '--wait');
    expect([started.exitCode, started.stderr]).toEqual([0, '']);
    expect(started.stdout).toContain('install-over-mtls');
    // The same install as the server holds it, read past the proxy: the proxy carried everything.
    expect((await h.status('over-mtls')).state).toBe('completed');
    // --profile picks the profile as TEMPORAL_PROFILE does.
    const listed = await cli({}, '--profile', 'production', 'list', '--json');
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ id: 'install-over-mtls', state: 'completed' }));
  }, 420_000);

  it('a client certificate from another CA is refused with one clear line, by the CLI and by the worker', async () => {
    const refused = await cli({ TEMPORAL_PROFILE: 'stranger' }, 'list');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`the Temporal server at ${proxy.address} (TLS) refused this client's TLS certificate`);
    const worker = await execa('node', [CLI, 'worker'], {
      env: withEnv(h.env, { TEMPORAL_ADDRESS: undefined, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'stranger' }),
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(worker.exitCode).toBe(1);
    expect(String(worker.stderr)).toContain("refused this client's TLS certificate");
  });

  it('bad connection settings are one line naming the setting, exit 2', async () => {
    expect(await cli({}, '--profile', 'nosuch', 'list')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining("TEMPORAL_CONFIG_FILE: Profile 'nosuch' not found"),
    });
    expect(await cli({}, '--config-file', '/nonexistent.toml', 'list')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('--config-file /nonexistent.toml: no such file'),
    });
    expect(await cli({ TEMPORAL_PROFILE: 'production' }, '--tls-cert-path', '/nonexistent.crt', 'list')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('--tls-cert-path / tls.client_cert_path / TEMPORAL_TLS_CLIENT_CERT_PATH: no such file /nonexistent.crt'),
    });
  });
});
