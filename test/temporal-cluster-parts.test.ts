// The production-shaped Temporal's parts that need no server (the cluster itself runs under
// test/e2e-production-temporal.test.ts): the server configuration every service process reads,
// `kinstall list`'s filter and its visibility query, and the keeper that starts a dead process
// again (a real short-lived program).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import yaml from 'js-yaml';
import { keepRunning } from '../client/dev/kept-process.js';
import { startSupervised } from '../client/dev/supervised-process.js';
import { SERVICES, temporalServerConfig, type ServicePorts } from '../client/dev/temporal-cluster/server-config.js';
import { installListQuery, parseInstallFilter } from '../lib/install/list-filter.js';

const ports = Object.fromEntries(SERVICES.map((name, i) => [name, { grpc: 7233 + i, membership: 6933 + i }])) as ServicePorts;
const tls = { ca: '/pki/ca.crt', peer: { crt: '/pki/peer.crt', key: '/pki/peer.key' }, systemWorker: { crt: '/pki/sw.crt', key: '/pki/sw.key' } };

describe('the Temporal Server configuration of the production-shaped cluster', () => {
  const text = temporalServerConfig({
    ports,
    postgres: { address: '127.0.0.1:5432', user: 'temporal' },
    tls,
    dynamicConfigFile: '/dc.yaml',
    passwordEnv: 'PW_ENV',
  });
  const doc = yaml.load(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('is a template (first line), whose SQL password is read from the environment and written nowhere', () => {
    expect(text.split('\n')[0]).toBe('# enable-template');
    for (const store of Object.values(doc.persistence.datastores) as { sql: { password: string; pluginName: string } }[]) {
      expect(store.sql).toMatchObject({ password: '{{ env "PW_ENV" }}', pluginName: 'postgres12' });
    }
    expect(doc.persistence.visibilityStore).toBe('postgres-visibility');
  });

  it('requires client certificates from its CA on the frontend and between the services, each service on its own ports', () => {
    for (const group of [doc.global.tls.frontend, doc.global.tls.internode]) {
      expect(group.server).toEqual({ certFile: '/pki/peer.crt', keyFile: '/pki/peer.key', clientCaFiles: ['/pki/ca.crt'], requireClientAuth: true });
      expect(group.client).toEqual({ serverName: 'localhost', rootCaFiles: ['/pki/ca.crt'] });
    }
    expect(doc.global.tls.systemWorker).toMatchObject({ certFile: '/pki/sw.crt', keyFile: '/pki/sw.key' });
    expect(Object.keys(doc.services).sort()).toEqual([...SERVICES].sort());
    expect(doc.services.history.rpc).toEqual({ grpcPort: 7234, membershipPort: 6934, bindOnLocalHost: true });
  });
});

describe("kinstall list's filter", () => {
  it('makes a visibility query on the search attributes from the values given', () => {
    expect(installListQuery('install', parseInstallFilter({}))).toBe("WorkflowType = 'install'");
    expect(installListQuery('install', parseInstallFilter({ cluster: 'prod-1', ticket: 'OPS-42', state: 'waiting-for-approval' }))).toBe(
      "WorkflowType = 'install' AND KatonicCluster = 'prod-1' AND KatonicTicket = 'OPS-42' AND KatonicState = 'waiting-for-approval'",
    );
  });

  it('refuses a value of another form, naming its flag, so none can change the query', () => {
    expect(() => parseInstallFilter({ cluster: "x' OR WorkflowType != '" })).toThrow(/^--cluster "x' OR WorkflowType != '": expected a DNS label/);
    expect(() => parseInstallFilter({ ticket: "OPS-1' OR '1'='1" })).toThrow(/^--ticket .*: expected a ticket id such as OPS-123/);
    expect(() => parseInstallFilter({ state: 'done' })).toThrow(
      '--state "done": expected one of running, waiting-for-operator, waiting-for-approval, completed, failed, cancelled',
    );
  });
});

describe('a kept process (systemd Restart=always)', () => {
  it('is started again when it dies, and not after stop()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kept-'));
    const events: string[] = [];
    const kept = await keepRunning(
      'a sleeper',
      () => startSupervised('a sleeper', '/bin/sleep', ['60'], { logFile: join(dir, 'sleep.log') }),
      (l) => events.push(l),
    );
    const first = kept.current().process.pid!;
    process.kill(first, 'SIGKILL');
    while (kept.restarts() === 0) await sleep(50);
    const second = kept.current().process.pid!;
    expect(second).not.toBe(first);
    expect(events[0]).toBe('a sleeper exited (SIGKILL); starting it again in 500 ms');
    await kept.stop(1000);
    await sleep(700);
    expect(kept.restarts()).toBe(1);
    expect(kept.current().exited()).toBe(true);
  });
});
