// validate and plan: what a spec says, without touching anything.
import { join, relative } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderRunFiles } from '../../lib/inventory/render.js';
import { dataDir } from '../../lib/local-tools.js';
import { phasesOf } from '../../lib/plan/phases.js';
import { runLayout } from '../../lib/run-layout.js';
import { loadSpec, SpecInvalidError } from '../load-spec.js';

export async function validateCommand(file: string, json: boolean): Promise<void> {
  try {
    const spec = await loadSpec(file);
    console.log(json ? JSON.stringify({ valid: true, name: spec.metadata.name, flow: spec.spec.flow }) : `${file}: valid (${spec.spec.flow} install "${spec.metadata.name}")`);
  } catch (err) {
    if (json && err instanceof SpecInvalidError) {
      console.log(JSON.stringify({ valid: false, errors: err.errors }));
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

export async function planCommand(file: string, out: string | undefined, json: boolean): Promise<void> {
  const spec = await loadSpec(file);
  const layout = runLayout(dataDir(), spec.metadata.name);
  const files = renderRunFiles(spec, layout);
  const phases = phasesOf(spec.spec.flow);
  if (out) {
    for (const [path, text] of files) {
      const target = join(out, relative(layout.runDir, path));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  }
  if (json) {
    console.log(JSON.stringify({ phases, approvals: spec.spec.approvals ?? [], files: Object.fromEntries([...files].map(([p, t]) => [relative(layout.runDir, p), t])) }, null, 2));
    return;
  }
  console.log(`Install "${spec.metadata.name}" (${spec.spec.flow}), run directory ${layout.runDir}`);
  console.log(`Phases: ${phases.map((p) => (spec.spec.approvals?.includes(`before-${p}`) ? `[approval] ${p}` : p)).join(' -> ')}`);
  const hosts = [...files].find(([path]) => path === layout.hostsFile);
  if (hosts) console.log(`\n${relative(layout.runDir, hosts[0])}:\n${hosts[1]}`);
  if (out) console.log(`Wrote ${files.size} files to ${out}: ${[...files.keys()].map((p) => relative(layout.runDir, p)).join(', ')}`);
}
