// validate and plan: what a spec says, without touching anything (but --out).
import { relative } from 'node:path';
import { renderRunFiles } from '../../lib/inventory/render.js';
import { dataDir } from '../../lib/local-tools.js';
import { phasesOf } from '../../lib/plan/phases.js';
import { runLayout } from '../../lib/run-layout.js';
import { loadSpec, SpecInvalidError } from '../load-spec.js';
import { writePlanFiles } from '../plan-output.js';

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

export async function planCommand(file: string, opts: { out?: string; force?: boolean }, json: boolean): Promise<void> {
  const spec = await loadSpec(file);
  const layout = runLayout(dataDir(), spec.metadata.name);
  const files = new Map([...renderRunFiles(spec, layout)].map(([path, text]) => [relative(layout.runDir, path), text]));
  const phases = phasesOf(spec.spec.flow);
  if (opts.out) await writePlanFiles(opts.out, files, Boolean(opts.force));
  if (json) {
    console.log(JSON.stringify({ phases, approvals: spec.spec.approvals ?? [], files: Object.fromEntries(files) }, null, 2));
    return;
  }
  console.log(`Install "${spec.metadata.name}" (${spec.spec.flow}), run directory ${layout.runDir}`);
  console.log(`Phases: ${phases.map((p) => (spec.spec.approvals?.includes(`before-${p}`) ? `[approval] ${p}` : p)).join(' -> ')}`);
  const hosts = files.get(relative(layout.runDir, layout.hostsFile));
  if (hosts) console.log(`\n${relative(layout.runDir, layout.hostsFile)}:\n${hosts}`);
  if (opts.out) console.log(`Wrote ${files.size} files to ${opts.out}: ${[...files.keys()].join(', ')}`);
}
