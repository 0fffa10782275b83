import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderRunFiles } from '../lib/inventory/render.js';
import { runLayout } from '../lib/run-layout.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { fixture, REPO_ROOT } from './support/repo.js';

// Golden files: what the playbooks get for the contract's example spec. Regenerate with
// UPDATE_GOLDEN=1 after an intended change, and read the diff.
const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'acme-prod');

describe('inventory generation (pure, golden files)', () => {
  const parsed = parseSpecText(readFileSync(fixture('acme-prod.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const layout = runLayout('/var/lib/katonic', 'acme-prod');
  const files = renderRunFiles(parsed.spec, layout);

  it.each([...files.keys()].map((p) => relative(layout.runDir, p)))('%s matches its golden file', (name) => {
    const text = files.get(join(layout.runDir, name))!;
    const golden = join(GOLDEN, name);
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, text);
    }
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('types Kubespray variables as Kubespray expects', () => {
    const groupVars = files.get(join(layout.inventoryDir, 'group_vars', 'all', 'katonic-installer.yml'))!;
    expect(groupVars).toContain('kubeconfig_localhost: true\n');
    expect(groupVars).toContain(`artifacts_dir: !unsafe "${layout.artifactsDir}"\n`);
    const extra = readInertYaml(files.get(layout.extraVarsFile('kubespray'))!) as Record<string, unknown>;
    expect(extra.download_run_once).toBe(true);
    expect(extra.calico_mtu).toBe(1440);
  });

  it('gives Kubespray an IP for ip/access_ip, never a host name', () => {
    const hosts = files.get(layout.hostsFile)!;
    expect(hosts).toContain(
      '    worker-2:\n      ansible_host: !unsafe "worker-2.acme.internal"\n      ip: !unsafe "10.0.0.22"\n      access_ip: !unsafe "10.0.0.22"\n',
    );
    const noIp = structuredClone(parsed.spec);
    delete noIp.spec.onprem!.nodes[4]!.ip;
    const text = renderRunFiles(noIp, layout).get(layout.hostsFile)!;
    expect(text).toContain('    worker-2:\n      ansible_host: !unsafe "worker-2.acme.internal"\n  children:');
  });

  it('never puts the SSH key reference into a generated file', () => {
    for (const text of files.values()) expect(text).not.toContain('SSH_KEY');
  });
});
