// Canary secrets through real installs (real dev server, real worker process, real
// ansible-playbook): a password in an extraVars reference, a token in a retry --vars
// reference, the cluster credential in the kubeconfig, and an SSH private key. A role that
// is careless with them (it fails printing one, and prints both) gets them, yet none appears
// in clear text in `temporal workflow show --output json` (payloads decoded from base64
// too), in the worker's logs, or in the run directory after the run. With the codec server,
// the Web UI's API (/decode) and `temporal --codec-endpoint` show the spec decoded.
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import yaml from 'js-yaml';
import { startCodecServer, type CodecServer } from '../client/codec-server.js';
import { devKeyRingFile, loadKeyRing } from '../client/codec-keys.js';
import { AesGcmCodec } from '../lib/codec/aes-gcm-codec.js';
import { REDACTED } from '../lib/ansible/redact.js';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { CLI, REPO_ROOT } from './support/repo.js';

const TEMPORAL = join(REPO_ROOT, '.venv', 'bin', 'temporal');
const canary = (what: string) => `canary-${what}-${randomBytes(9).toString('hex')}`;
const PASSWORD = canary('password');
const TOKEN = canary('token');
const SSH_KEY_BODY = canary('sshkey');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let h: Harness;
let worker: ResultPromise;
let workerLog = '';
let codecServer: CodecServer;
const CODEC_TOKEN = randomBytes(18).toString('hex');

beforeAll(async () => {
  h = await startHarness('canary');
  // A worker of our own, to read everything it logs (at DEBUG), with the password in its environment.
  worker = execa('node', [CLI, 'worker'], {
    env: { ...h.env, CANARY_PASSWORD: PASSWORD, KATONIC_LOG_LEVEL: 'DEBUG' },
    reject: false,
    stdin: 'ignore',
    buffer: false,
    all: true,
  });
  await new Promise<void>((resolve, reject) => {
    worker.all!.on('data', (chunk: Buffer) => {
      workerLog += chunk.toString();
      if (workerLog.includes('Worker on')) resolve();
    });
    void worker.then(() => reject(new Error(`the worker exited early:\n${workerLog}`)));
  });
  const ring = await loadKeyRing(`file:${devKeyRingFile(h.dataDir)}`);
  codecServer = await startCodecServer({ codec: new AesGcmCodec(ring), token: CODEC_TOKEN, port: 0, origins: ['http://localhost:8233'] });
});
afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGINT');
  await worker;
  await codecServer?.close();
  await h?.close();
});

/** A copy of the stand-in Katonic role that is careless with secrets, and checks they arrived. */
async function carelessRole(): Promise<string> {
  const dir = join(h.dataDir, 'careless-role');
  await cp(join(REPO_ROOT, 'standins', 'katonic-role'), dir, { recursive: true, dereference: true });
  const standin = await readFile(join(dir, 'tasks', 'main.yml'), 'utf8');
  const careless = `---
- name: Log in to the registry
  ansible.builtin.fail:
    msg: "cannot log in to the registry with {{ registry_password }}"
  when: registry_token is not defined

- name: Check the secrets arrived
  ansible.builtin.assert:
    that:
      - registry_password | hash('sha256') == '${sha256(PASSWORD)}'
      - registry_token | hash('sha256') == '${sha256(TOKEN)}'
    quiet: true

- name: Print the secrets
  ansible.builtin.fail:
    msg: "password {{ registry_password }}, token {{ registry_token }}"
  ignore_errors: true
`;
  await writeFile(join(dir, 'tasks', 'main.yml'), careless + standin.replace(/^---\n/, '\n'));
  return dir;
}

/** Every text a history holds: its JSON, and each payload's data decoded from base64. */
async function historyText(id: string, ...more: string[]): Promise<{ all: string; events: Record<string, unknown>[] }> {
  const r = await execa(TEMPORAL, ['workflow', 'show', '--workflow-id', id, '--address', h.env.TEMPORAL_ADDRESS!, '--output', 'json', ...more], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const parts: string[] = [r.stdout];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && (k === 'data' || k === 'encoding')) parts.push(Buffer.from(x, 'base64').toString('latin1'));
        walk(x);
      }
    }
  };
  const parsed = JSON.parse(r.stdout) as { events: Record<string, unknown>[] };
  walk(parsed);
  return { all: parts.join('\n'), events: parsed.events };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('canary secrets (real dev server and worker, stand-in Kubespray and Katonic role)', () => {
  it('reach Ansible, and never appear in the history, the worker log or the run directory; the codec server shows the spec', async () => {
    const roleDir = await carelessRole();
    const file = await h.writeSpec('canary', (spec) => {
      singleNode(spec);
      spec.spec.katonic.roleDir = roleDir;
      spec.spec.extraVars = { standin_delay_seconds: 0, registry_password: 'env:CANARY_PASSWORD' };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    // The role fails printing the password: the failure the operator sees has it cut out.
    const stuck = await h.waitFor('canary', (s) => s.state === 'waiting-for-operator');
    expect(stuck.error?.message).toContain(`cannot log in to the registry with ${REDACTED}`);
    const table = await h.cli('status', 'install-canary');
    expect(table.stdout).toContain(REDACTED);

    const tokenFile = join(h.dataDir, 'operator', 'registry-token');
    await mkdir(join(h.dataDir, 'operator'), { recursive: true });
    await writeFile(tokenFile, TOKEN);
    const varsFile = join(h.dataDir, 'operator', 'fix.yaml');
    await writeFile(varsFile, yaml.dump({ registry_token: 'file:registry-token' }));
    expect(await h.cli('retry', 'install-canary', '--vars', varsFile)).toMatchObject({ exitCode: 0 });
    const done = await h.waitFor('canary', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.state).toBe('completed');
    // The careless role's own check passed: both secrets arrived, resolved (the reference relative to the vars file).
    expect(done.operatorActions[0]?.vars).toEqual({ registry_token: `file:${tokenFile}` });

    const runDir = join(h.dataDir, 'runs', 'canary');
    // The cluster credential Kubespray's admin.conf holds (the stand-in copies the control plane's;
    // workers keep no copy: it travels sealed through Temporal).
    const adminConf = join(h.dataDir, 'control-plane', 'admin.conf');
    await expect(readFile(join(runDir, 'artifacts', 'admin.conf'))).rejects.toThrow('ENOENT');
    const kubeconfig = yaml.load(await readFile(adminConf, 'utf8')) as { users: { user: Record<string, string> }[] };
    const credential = Object.values(kubeconfig.users[0]!.user).find((v) => v.length >= 16)!;
    expect(credential).toBeDefined();

    const history = await historyText('install-canary');
    for (const secret of [PASSWORD, TOKEN, credential]) {
      expect(history.all).not.toContain(secret);
      expect(workerLog).not.toContain(secret);
    }
    // Encrypted, not merely free of secrets: the spec's own text is not there either.
    expect(history.all).not.toContain('mlops.demo.local');
    expect(history.all).not.toContain('cannot log in to the registry');
    expect(history.all).toContain('binary/encrypted');

    const leftovers: string[] = [];
    for (const path of await filesUnder(runDir)) {
      const text = await readFile(path, 'latin1');
      if (text.includes(PASSWORD) || text.includes(TOKEN)) leftovers.push(path);
      // The cluster credential is Kubespray's admin.conf, which verify and later runs read: there only, private.
      if (text.includes(credential) && path !== adminConf) leftovers.push(path);
    }
    expect(leftovers).toEqual([]);
    expect((await stat(adminConf)).mode & 0o777).toBe(0o600);
    expect((await filesUnder(runDir)).filter((p) => p.endsWith('secret-vars.yml') || p.endsWith('ssh-key'))).toEqual([]);
    // The retried run (attempt 1 of the new activity) printed both: cut out of the events it keeps.
    expect(await readFile(join(runDir, 'katonic', 'events-attempt-1.jsonl'), 'utf8')).toContain(`password ${REDACTED}, token ${REDACTED}`);

    // The Web UI's API: the start input decoded by the codec server (the spec, with references only).
    const started = history.events[0]!.workflowExecutionStartedEventAttributes as { input: { payloads: unknown[] } };
    const res = await fetch(`${codecServer.uiEndpoint}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: started.input.payloads }),
    });
    expect(res.status).toBe(200);
    const decoded = ((await res.json()) as { payloads: { data: string }[] }).payloads[0]!;
    // The start's one argument: the spec as a JSON object.
    const spec = JSON.parse(Buffer.from(decoded.data, 'base64').toString()) as {
      metadata: { name: string };
      spec: { katonic: { fqdn: string }; extraVars: Record<string, unknown> };
    };
    expect(spec.metadata.name).toBe('canary');
    expect(spec.spec.katonic.fqdn).toBe('mlops.demo.local');
    expect(spec.spec.extraVars.registry_password).toBe('env:CANARY_PASSWORD');
    // The same through the Temporal CLI pointed at the codec server.
    const shown = await historyText('install-canary', '--codec-endpoint', codecServer.url, '--codec-auth', `Bearer ${CODEC_TOKEN}`);
    expect(shown.all).toContain('mlops.demo.local');
    expect(shown.all).not.toContain(PASSWORD);
  });

  it('an SSH private key is read for the run only and appears nowhere, even when the nodes cannot be reached', async () => {
    const keyFile = join(h.dataDir, 'operator', 'id_canary');
    await mkdir(join(h.dataDir, 'operator'), { recursive: true });
    await writeFile(keyFile, `-----BEGIN OPENSSH PRIVATE KEY-----\n${SSH_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });
    // Port 1 (tcpmux): nothing listens there, so every node refuses the connection at once.
    const closedPort = 1;
    const file = await h.writeSpec('canary-ssh', (spec) => {
      spec.spec.onprem!.connection = 'ssh';
      spec.spec.onprem!.ssh = { user: 'katonic', privateKeyRef: `file:${keyFile}`, port: closedPort };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('canary-ssh', (s) => s.state === 'waiting-for-operator');
    // Unreachable, not SecretMissing: the worker read the key and handed it to ansible-playbook.
    expect(stuck.error).toMatchObject({ phase: 'preflight', type: 'AnsibleHostUnreachable' });
    expect((await h.cli('cancel', 'install-canary-ssh')).exitCode).toBe(0);

    const history = await historyText('install-canary-ssh');
    expect(history.all).not.toContain(SSH_KEY_BODY);
    expect(workerLog).not.toContain(SSH_KEY_BODY);
    const runDir = join(h.dataDir, 'runs', 'canary-ssh');
    const files = await filesUnder(runDir);
    // The scan covers what the run kept, the events of the run that reached for the nodes among it.
    expect(files).toContain(join(runDir, 'preflight', 'events-attempt-1.jsonl'));
    for (const path of files) expect([path, (await readFile(path, 'latin1')).includes(SSH_KEY_BODY)]).toEqual([path, false]);
    expect(files.filter((p) => p.endsWith('ssh-key'))).toEqual([]);
  });
});
