// SSH as the playbook command line sets it up (activities/ansible/playbook-command.ts): the
// worker's SSH timeout (KATONIC_SSH_TIMEOUT, 10 s by default) bounds connecting and noticing a
// dead link; the fault tests shorten it.
import { playbookCommand } from '../activities/ansible/playbook-command.js';
import { SSH_TIMEOUT_ENV } from '../lib/local-tools.js';

const overSsh = () =>
  playbookCommand({
    phaseDir: '/data/runs/acme/kubespray',
    playbook: 'cluster.yml',
    inventory: 'hosts.yaml',
    extraVarsFiles: [],
    ssh: { privateKeyFile: '/data/key', keyRef: 'file:/keys/acme', knownHosts: '/data/known_hosts', controlDir: '/tmp/cp' },
  }).env;

/** The -o options of ANSIBLE_SSH_ARGS that set a timeout, and Ansible's own. */
const timeouts = (env: Record<string, string>) => [
  ...(env.ANSIBLE_SSH_ARGS ?? '').split(' ').filter((o) => /^(ConnectTimeout|ServerAlive)/.test(o)),
  `ANSIBLE_TIMEOUT=${env.ANSIBLE_TIMEOUT}`,
];

afterEach(() => delete process.env[SSH_TIMEOUT_ENV]);

describe('the SSH timeouts of a playbook run (pure)', () => {
  it('connects within 10 s and gives up a silent node after two missed 5 s probes, by default', () => {
    expect(timeouts(overSsh())).toEqual(['ServerAliveInterval=5', 'ServerAliveCountMax=2', 'ConnectTimeout=10', 'ANSIBLE_TIMEOUT=10']);
  });

  it(`takes the worker's ${SSH_TIMEOUT_ENV}: probes every half of it (rounded up), two missed`, () => {
    process.env[SSH_TIMEOUT_ENV] = '3';
    expect(timeouts(overSsh())).toEqual(['ServerAliveInterval=2', 'ServerAliveCountMax=2', 'ConnectTimeout=3', 'ANSIBLE_TIMEOUT=3']);
  });

  it(`refuses a ${SSH_TIMEOUT_ENV} that is not a whole number of seconds from 2 to 600, in one line`, () => {
    for (const bad of ['1', '0', '2.5', '10s', '601']) {
      process.env[SSH_TIMEOUT_ENV] = bad;
      expect(overSsh).toThrow(`${SSH_TIMEOUT_ENV} ${bad}: expected a whole number of seconds from 2 to 600`);
    }
  });
});
