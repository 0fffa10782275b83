// Hostile input, as a user who types into a ticket or a spec would try it: through the real
// CLI (`validate`, `plan --out`, `retry --vars`), and through real ansible-playbook runs of
// each product playbook and of the stand-ins on files rendered from values the CLI would
// refuse (defence in depth). Nothing executes (no marker file appears), and each refusal is
// one message, exit 2, naming the field. A control run of the same files without the
// `!unsafe` tags does create markers, so the check is live.
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { playbookCommand } from '../activities/ansible/playbook-command.js';
import { renderExtraVars, renderRunFiles } from '../lib/inventory/render.js';
import { runLayout, type RunLayout } from '../lib/run-layout.js';
import { acceptSpec } from '../lib/spec/accept.js';
import { formatPath } from '../lib/spec/format-path.js';
import type { Installation } from '../lib/spec/schema.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { CLI, REPO_ROOT, STANDIN_KUBESPRAY } from './support/repo.js';

const STANDIN_ROLE = join(REPO_ROOT, 'standins', 'katonic-role');

let work: string;
let markers: string;
let controlMarkers: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'katonic-hostile-'));
  markers = join(work, 'markers');
  controlMarkers = join(work, 'control-markers');
  await mkdir(markers);
  await mkdir(controlMarkers);
});

// Three spellings of "run this on the controller", cycled through the fields.
let counter = 0;
function payload(dir = markers): string {
  const marker = join(dir, `m${++counter}`);
  const forms = [
    `x{{ lookup('pipe', 'touch ${marker}') }}`,
    `{% if lookup('pipe', 'touch ${marker}') %}{% endif %}`,
    `#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ lookup('pipe', 'touch ${marker}') ]]`,
  ];
  return forms[counter % forms.length]!;
}

// Every how many planted fields one goes through the CLI too.
const CLI_SPREAD = 6;

async function cli(...args: string[]) {
  const r = await execa('node', [CLI, ...args], {
    env: { KATONIC_DATA_DIR: join(work, 'data'), TEMPORAL_ADDRESS: '127.0.0.1:1' },
    reject: false,
    timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

async function writeSpec(name: string, doc: unknown): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(file, yaml.dump(doc));
  return file;
}

// Every string field of the spec has a value in one of these: the on-prem spec and the managed (EKS) one.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const full = (): Record<string, any> => ({
  apiVersion: 'katonic.ai/v1',
  kind: 'Installation',
  metadata: { name: 'hostile', ticket: 'OPS-1' },
  spec: {
    flow: 'onprem',
    katonic: { version: '4.5', fqdn: 'mlops.example.com', roleDir: STANDIN_ROLE },
    onprem: {
      kubespray: { dir: STANDIN_KUBESPRAY, version: 'v2.31.0' },
      kubeVersion: '1.33.7',
      connection: 'ssh',
      nodes: [
        { name: 'master-1', address: '127.0.0.11', ip: '127.0.0.11', roles: ['control-plane', 'etcd'] },
        { name: 'worker-1', address: '127.0.0.12', roles: ['worker'] },
      ],
      ssh: { user: 'ubuntu', privateKeyRef: 'file:/nonexistent/key', port: 22 },
      storage: {
        kind: 'hostVolumes',
        nfs: { server: '127.0.0.11', path: '/exports/katonic' },
        hostVolumes: { root: '/var/lib/katonic/volumes', services: ['git'] },
        prepareNodes: 'check',
      },
      preflight: { acceptedOs: ['Ubuntu 20.04', 'Debian *'] },
    },
    approvals: ['before-kubespray'],
    approvalTimeout: '30m',
    heartbeatTimeout: '30s',
    extraVars: { standin_delay_seconds: 0, note: 'text', standin_fail: { phase: 'kubespray', task: 'Configure etcd', times: 0 }, labels: ['a'] },
  },
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fullManaged = (): Record<string, any> => ({
  apiVersion: 'katonic.ai/v1',
  kind: 'Installation',
  metadata: { name: 'hostile-eks', ticket: 'OPS-2' },
  spec: {
    flow: 'eks',
    katonic: { version: '4.5', fqdn: 'mlops.example.com', roleDir: STANDIN_ROLE },
    managed: {
      kubeconfigRef: 'file:/nonexistent/kubeconfig',
      context: 'acme-eks',
      blobStore: { kind: 's3', bucket: 'acme-backups', region: 'us-east-1' },
      registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      storage: { kdisk: { type: 'gp3' }, kfs: { fileSystemId: 'fs-0123456789abcdef0' } },
      pools: { platform: 'platform', compute: { labels: { 'example.com/pool': 'compute' } } },
      preflight: { minKubeVersion: '1.30', ignore: ['csi-drivers'] },
    },
    approvals: ['before-katonic'],
    extraVars: { note: 'text', labels: ['a'] },
  },
});

/** The path of every string in `value`. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function setAt(doc: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

const oneLine = (stderr: string) => !/\n\s+at /.test(stderr);

/** Runs `each` over `items`, `size` at a time (CLI processes in parallel, but not all at once). */
async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

describe('hostile input through the CLI (validate, plan --out, retry --vars)', () => {
  it('accepts the full specs these cases start from', async () => {
    expect(await cli('validate', await writeSpec('full', full()))).toMatchObject({ exitCode: 0 });
    expect(await cli('validate', await writeSpec('full-managed', fullManaged()))).toMatchObject({ exitCode: 0 });
  });

  // Every field through acceptSpec (what validate and plan run on the file's text); the CLI's
  // refusal of a bad spec is one code path whatever the field, so it is run on a spread of them
  // (about a process per second on these machines: every field twice was a minute of the suite).
  it('refuses template text in every string field, naming it; validate and plan --out (which writes nothing) refuse a spread of them', async () => {
    const fields = [...stringPaths(full()).map((path) => ({ path, spec: full })), ...stringPaths(fullManaged()).map((path) => ({ path, spec: fullManaged }))];
    expect(fields.length).toBeGreaterThan(40);
    const misses: string[] = [];
    const planted = fields.map(({ path, spec }) => {
      const doc = spec();
      setAt(doc, path, payload());
      return { field: formatPath(path), text: yaml.dump(doc) };
    });
    for (const { field, text } of planted) {
      const result = acceptSpec({ text }, work);
      if (result.ok || !result.errors.some((e) => e.path === field)) misses.push(`${field}: accepted, or not named: ${JSON.stringify(result)}`);
    }
    const spread = planted.filter((_, i) => i % CLI_SPREAD === 0 || i === planted.length - 1);
    await inBatches([...spread.entries()], 3, async ([i, { field, text }]) => {
      const file = join(work, `field-${i}.yaml`);
      await writeFile(file, text);
      const validated = await cli('validate', file, '--json');
      const errors = (JSON.parse(validated.stdout) as { errors?: { path: string }[] }).errors ?? [];
      const out = join(work, `out-${i}`);
      const planned = await cli('plan', file, '--out', out);
      const wrote = await lstat(out).then(
        () => true,
        () => false,
      );
      if (validated.exitCode !== 2 || !errors.some((e) => e.path === field) || planned.exitCode !== 2 || !planned.stderr.includes(`  ${field}: `) || wrote) {
        misses.push(`${field}: validate ${validated.exitCode} ${JSON.stringify(errors)}; plan ${planned.exitCode} wrote=${wrote}`);
      }
    });
    expect(misses).toEqual([]);
  }, 600_000);

  it.each([
    ['a top-level extraVars key', (doc: Record<string, any>) => (doc.spec.extraVars[payload()] = 1), (k: string) => ['spec', 'extraVars', k]], // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      'a nested extraVars key',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (doc: Record<string, any>) => (doc.spec.extraVars.labels = { [payload()]: 'x' }),
      (k: string) => ['spec', 'extraVars', 'labels', k],
    ],
  ])('refuses template text in %s, naming it', async (_what, plant, pathOf) => {
    const doc = full();
    plant(doc);
    const planted = Object.keys(doc.spec.extraVars)
      .concat(Object.keys(doc.spec.extraVars.labels ?? {}))
      .find((k) => k.includes('lookup'))!;
    const r = await cli('validate', await writeSpec('key', doc), '--json');
    expect(r.exitCode).toBe(2);
    expect((JSON.parse(r.stdout) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(formatPath(pathOf(planted)));
  });

  it.each([
    'ansible_host',
    'ansible_connection',
    'ansible_become_exe',
    'ansible_password',
    'artifacts_dir',
    'kube_version',
    'kubeconfig_localhost',
    'kubeconfig',
    'container_manager',
    'katonic_role_dir',
    'become',
    'hostvars',
  ])('refuses extraVars.%s (the installer owns it), naming it and not its value', (name) => {
    const doc = full();
    doc.spec.extraVars[name] = 'hunter2';
    const result = acceptSpec({ text: yaml.dump(doc) }, work);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.find((e) => e.path === `spec.extraVars.${name}`)?.message).toMatch(new RegExp(`^expected no ${name}: `));
    expect(JSON.stringify(errors)).not.toContain('hunter2');
  });

  it('validate and plan refuse a reserved extraVars name with exit 2, naming it, never printing its value', async () => {
    const doc = full();
    for (const name of ['ansible_host', 'kubeconfig', 'hostvars']) doc.spec.extraVars[name] = 'hunter2';
    const file = await writeSpec('reserved', doc);
    for (const r of [await cli('validate', file), await cli('plan', file, '--json')]) {
      expect(r.exitCode).toBe(2);
      for (const name of ['ansible_host', 'kubeconfig', 'hostvars']) expect(r.stderr).toContain(`  spec.extraVars.${name}: expected no ${name}: `);
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    }
  });

  it('refuses a secret-named variable given as a value, never printing it; a reference is planned as a name only', async () => {
    const doc = full();
    doc.spec.extraVars.registry = { user: 'bob', password: 'hunter2' };
    const refused = await cli('plan', await writeSpec('secret-value', doc), '--json');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('spec.extraVars.registry.password: expected a secret reference "env:NAME" or "file:PATH"');
    expect(refused.stdout + refused.stderr).not.toContain('hunter2');
    doc.spec.extraVars.registry.password = 'env:REGISTRY_PASSWORD';
    const planned = await cli('plan', await writeSpec('secret-ref', doc), '--json');
    expect(planned.exitCode).toBe(0);
    const files = (JSON.parse(planned.stdout) as { files: Record<string, string> }).files;
    expect(files['kubespray/extra-vars.yml']).toContain('# Resolved on the worker at run time, into a private file for the run only: registry\n');
    expect(Object.values(files).join()).not.toContain('REGISTRY_PASSWORD');
  });

  it('says /etc/shadow is not an install spec, without a line of it', async () => {
    const r = await cli('validate', '/etc/shadow');
    expect(r).toMatchObject({
      exitCode: 2,
      stderr: '/etc/shadow: 1 error\n  (document): not an install spec: expected a YAML mapping with apiVersion: katonic.ai/v1 and kind: Installation',
    });
    const shadow = await readFile('/etc/shadow', 'utf8');
    for (const line of shadow.split('\n').filter(Boolean)) expect(r.stderr).not.toContain(line.split(':')[0] + ':');
  });

  it('refuses a 1.5 KB alias bomb in extraVars at once, in validate and plan', async () => {
    const levels = 'abcdefghi'.split('');
    const bomb = levels
      .map(
        (l, i) =>
          `    ${l}: &${l} [${
            i === 0
              ? Array(9).fill('"lol"').join(',')
              : Array(9)
                  .fill(`*${levels[i - 1]}`)
                  .join(',')
          }]`,
      )
      .join('\n');
    const text = yaml.dump(full()).replace(/ {2}extraVars:\n/, `  extraVars:\n${bomb}\n`);
    const file = join(work, 'bomb.yaml');
    await writeFile(file, text);
    expect(Buffer.byteLength(bomb)).toBeLessThan(1600);
    // Refused before anything expands it: expanded, it took 2.5 GB and 30 s and died with a stack
    // trace (exit 1), so the exit code and message prove it; no time is asserted (noisy machines).
    for (const args of [
      ['validate', file],
      ['plan', file, '--out', join(work, 'bomb-out')],
    ]) {
      const r = await cli(...args);
      expect(r).toMatchObject({
        exitCode: 2,
        stderr: `${file}: 1 error\n  (document): expected at most 20000 values with YAML aliases expanded (an alias bomb?)`,
      });
    }
  });

  it('escapes control characters in keys, names and file names', async () => {
    const text = 'apiVersion: katonic.ai/v1\nkind: Installation\nmetadata: {name: "a\\e[2Jb"}\nspec:\n  "\\e]0;owned\\a": 1\n';
    const file = join(work, 'ctl-\u001b[31m.yaml');
    await writeFile(file, text);
    const r = await cli('validate', file);
    expect(r.exitCode).toBe(2);
    expect([...r.stderr].filter((ch) => ch !== '\n' && (ch < ' ' || ch === '\u007f'))).toEqual([]);
    expect(r.stderr).toContain('ctl-\\u001b[31m.yaml: ');
    expect(r.stderr).toContain('  spec: unknown field "\\u001b]0;owned\\u0007"');
  });

  it('refuses a FIFO, a device and a directory as the spec at once, without reading them', async () => {
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [file, kind] of [
      [fifo, 'a FIFO (named pipe)'],
      ['/dev/zero', 'a character device'],
      [work, 'a directory'],
    ] as const) {
      const r = await cli('validate', file);
      expect(r).toMatchObject({ exitCode: 2, stderr: `${file}: ${kind}, not a regular file` });
    }
  });

  it("plan --out does not follow a planted symlink, and refuses a file, an unwritable place, a directory in a file's place and a foreign directory, writing nothing, in one line", async () => {
    const spec = await writeSpec('plan-target', full());
    const victim = join(work, 'victim');
    await writeFile(victim, 'root only\n');
    await chmod(victim, 0o600);
    const planted = join(work, 'planted');
    await mkdir(join(planted, 'inventory'), { recursive: true });
    await writeFile(join(planted, '.kinstall-plan'), '');
    await symlink(victim, join(planted, 'inventory', 'hosts.yaml'));
    const overDir = join(work, 'over-dir');
    await mkdir(join(overDir, 'inventory', 'hosts.yaml'), { recursive: true });
    await writeFile(join(overDir, '.kinstall-plan'), '');
    const foreign = join(work, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine\n');
    const cases: [string, string][] = [
      [planted, `--out ${planted}: inventory/hosts.yaml is a symbolic link; refusing to write through it; no file was written`],
      [victim, `--out ${victim}: exists and is not a directory; no file was written`],
      ['/proc/katonic-plan', '--out /proc/katonic-plan: cannot write there (ENOENT); no file was written'],
      [overDir, `--out ${overDir}: inventory/hosts.yaml exists and is not a regular file; no file was written`],
      [foreign, `--out ${foreign}: not empty, and not written by "kinstall plan" (use --force to write into it anyway); no file was written`],
    ];
    for (const [out, message] of cases) {
      const r = await cli('plan', spec, '--out', out);
      expect(r).toMatchObject({ exitCode: 2, stderr: message });
      expect(oneLine(r.stderr)).toBe(true);
    }
    expect(await readFile(victim, 'utf8')).toBe('root only\n');
    expect((await readdir(planted)).sort()).toEqual(['.kinstall-plan', 'inventory']);
    expect(await readdir(foreign)).toEqual(['notes.txt']);
    expect((await cli('plan', spec, '--out', foreign, '--force')).exitCode).toBe(0);
    expect((await cli('plan', spec, '--out', foreign)).exitCode).toBe(0);
  });

  it('refuses retry --vars with template text, reserved names or secrets as values, before reaching any server', async () => {
    const vars = join(work, 'retry-vars.yaml');
    await writeFile(vars, yaml.dump({ standin_fail: [], note: payload(), ansible_host: '10.0.0.1', registry_token: 'hunter2', nested: { [payload()]: 1 } }));
    const r = await cli('retry', 'install-hostile', '--vars', vars);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--vars ${vars}: 4 errors\n`);
    expect(r.stderr).toContain('  note: expected no template text');
    expect(r.stderr).toContain('  ansible_host: expected no ansible_host');
    expect(r.stderr).toContain('  registry_token: expected a secret reference');
    expect(r.stderr).toContain('  nested["');
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain('cannot reach');
  });

  it('gives a bad --address one line and exit 2', async () => {
    expect(await cli('--address', 'no port here', 'status', 'install-x')).toMatchObject({
      exitCode: 2,
      stderr: '--address no port here: expected host:port, such as localhost:7233',
    });
  });
});

describe('hostile values in the files Ansible reads (real ansible-playbook, every product playbook and stand-in)', () => {
  // What validation would refuse, rendered anyway: the files alone must keep it inert.
  function hostileSpec(connection: 'local' | 'ssh', dir: string): Installation {
    const doc = full();
    doc.spec.onprem.connection = connection;
    doc.spec.onprem.nodes = [
      { name: 'master-1', address: payload(dir), ip: payload(dir), roles: ['control-plane', 'etcd'] },
      { name: 'worker-1', address: payload(dir), roles: ['worker'] },
    ];
    doc.spec.onprem.ssh.user = payload(dir);
    doc.spec.onprem.kubeVersion = payload(dir);
    doc.spec.onprem.storage.hostVolumes = { root: `/${payload(dir)}`, services: [payload(dir)] };
    doc.spec.onprem.storage.nfs = { server: payload(dir), path: `/${payload(dir)}` };
    doc.spec.katonic.version = payload(dir);
    doc.spec.katonic.fqdn = payload(dir);
    doc.spec.extraVars = {
      standin_delay_seconds: payload(dir),
      standin_fail: { phase: payload(dir), task: payload(dir), host: payload(dir), times: 1 },
      any_errors_fatal: payload(dir),
      labels: { [payload(dir)]: payload(dir) },
    };
    return doc as Installation;
  }

  /** The managed flow's values reach the Katonic role as cloud vars. */
  function hostileManagedSpec(dir: string): Installation {
    const doc = fullManaged();
    doc.spec.katonic.fqdn = payload(dir);
    Object.assign(doc.spec.managed, {
      context: payload(dir),
      registry: payload(dir),
      blobStore: { kind: 's3', bucket: payload(dir), region: payload(dir) },
      pools: { platform: payload(dir) },
    });
    doc.spec.extraVars = { note: payload(dir), labels: { [payload(dir)]: payload(dir) } };
    return doc as Installation;
  }

  interface Rendered {
    layout: RunLayout;
    operatorVars: Record<string, unknown>;
  }

  async function render(doc: Installation, name: string, untagged = false): Promise<Rendered> {
    const layout = runLayout(join(work, name), doc.metadata.name);
    const operatorVars = { standin_repeat: payload(untagged ? controlMarkers : markers), note: payload(untagged ? controlMarkers : markers) };
    const files = renderRunFiles(doc, layout);
    for (const phase of ['preflight', 'kubespray', 'storage', 'katonic'] as const)
      files.set(layout.extraVarsFile(phase), renderExtraVars(doc, layout, phase, operatorVars));
    for (const [path, text] of files) {
      await mkdir(dirname(path), { recursive: true });
      // The control: the same data with every !unsafe tag dropped.
      await writeFile(path, untagged ? yaml.dump(readInertYaml(text)) : text);
    }
    return { layout, operatorVars };
  }

  async function ansible(
    layout: RunLayout,
    run: { playbook: string; phase: 'preflight' | 'kubespray' | 'storage' | 'katonic'; inventory?: string; check?: boolean; ssh?: boolean; cwd?: string },
  ) {
    const phaseDir = layout.phaseDir(run.phase);
    await mkdir(join(phaseDir, 'tmp'), { recursive: true });
    const key = join(work, 'dummy-key');
    await writeFile(key, 'not a key\n', { mode: 0o600 });
    const command = playbookCommand({
      phaseDir,
      playbook: run.playbook,
      inventory: run.inventory ?? layout.hostsFile,
      extraVarsFiles: [...(run.phase === 'katonic' ? [layout.katonicVarsFile] : []), layout.extraVarsFile(run.phase)],
      check: run.check,
      ssh: run.ssh ? { privateKeyFile: key, keyRef: 'file:dummy-key', knownHosts: join(work, 'known_hosts'), controlDir: work } : undefined,
    });
    const r = await execa(command.file, command.args, {
      env: { ...command.env, ANSIBLE_TIMEOUT: '5' },
      cwd: run.cwd ?? phaseDir,
      reject: false,
      timeout: 120_000,
    });
    // Ansible got as far as the playbook: the inventory and every vars file were loaded.
    expect([run.playbook, String(r.stdout)]).toEqual([run.playbook, expect.stringContaining('"event": "playbook_start"')]);
    return r;
  }

  const playbook = (name: string) => join(REPO_ROOT, 'ansible', 'playbooks', name);
  const kubespray = (name: string) => ({ playbook: join(STANDIN_KUBESPRAY, name), phase: 'kubespray' as const, cwd: STANDIN_KUBESPRAY });

  it('executes nothing: preflight, storage-nodes, katonic (stand-in role and a hostile role path), cluster, facts, scale, upgrade-cluster, remove-node, reset; local and over SSH', async () => {
    const local = (await render(hostileSpec('local', markers), 'local')).layout;
    const hostileRole = hostileSpec('local', markers);
    hostileRole.spec.katonic.roleDir = `/${payload()}`;
    const withHostileRole = (await render(hostileRole, 'role')).layout;
    const ssh = (await render(hostileSpec('ssh', markers), 'ssh')).layout;
    await ansible(local, { playbook: playbook('preflight.yml'), phase: 'preflight' });
    await ansible(local, { playbook: playbook('storage-nodes.yml'), phase: 'storage', check: true });
    await ansible(local, { playbook: playbook('katonic.yml'), phase: 'katonic', inventory: local.localhostInventory });
    await ansible(withHostileRole, { playbook: playbook('katonic.yml'), phase: 'katonic', inventory: withHostileRole.localhostInventory });
    for (const name of ['cluster.yml', 'playbooks/facts.yml', 'scale.yml', 'upgrade-cluster.yml', 'remove-node.yml', 'reset.yml'])
      await ansible(local, kubespray(name));
    await ansible(ssh, { playbook: playbook('preflight.yml'), phase: 'preflight', ssh: true });
    await ansible(ssh, { playbook: playbook('storage-nodes.yml'), phase: 'storage', check: true, ssh: true });
    const managed = (await render(hostileManagedSpec(markers), 'managed')).layout;
    await ansible(managed, { playbook: playbook('katonic.yml'), phase: 'katonic', inventory: managed.localhostInventory });
    expect(await readdir(markers)).toEqual([]);
  });

  it('control: the same files without the !unsafe tags do execute (the SSH user even with the node unreachable, in --check)', async () => {
    const ssh = (await render(hostileSpec('ssh', controlMarkers), 'control-ssh', true)).layout;
    await ansible(ssh, { playbook: playbook('storage-nodes.yml'), phase: 'storage', check: true, ssh: true });
    const afterSsh = (await readdir(controlMarkers)).length;
    expect(afterSsh).toBeGreaterThan(0);
    const local = (await render(hostileSpec('local', controlMarkers), 'control-local', true)).layout;
    await ansible(local, kubespray('cluster.yml'));
    expect((await readdir(controlMarkers)).length).toBeGreaterThan(afterSsh);
  });
});
