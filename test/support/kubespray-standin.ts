// A playbook of the Kubespray stand-in run as the product runs Kubespray: the inventory and
// extra vars the product renders from a spec, its ansible-playbook command line, the checkout
// as the working directory. For the tests and benchmarks of the stand-in's playbooks.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { playbookCommand } from '../../activities/ansible/playbook-command.js';
import { writeFilesAtomically } from '../../activities/write-files.js';
import { parseEventLine } from '../../lib/ansible/events.js';
import { renderExtraVars, renderInventoryFiles } from '../../lib/inventory/render.js';
import { runLayout } from '../../lib/run-layout.js';
import type { Installation } from '../../lib/spec/schema.js';
import { STANDIN_KUBESPRAY } from './repo.js';

export interface StandinRun {
  exitCode: number;
  failures: { task: string; host: string; msg: string }[];
  /** The journal lines this run wrote, without the phase: "<task> <host>". */
  journal: string[];
  /** ansible-playbook's wall time. */
  ms: number;
}

export interface StandinRunOptions {
  /** The operation's extra vars (node, skip_confirmation, standin_fail, ...), as an operator's. */
  vars?: Record<string, unknown>;
  limit?: string[];
  /** Called with each line of ansible-playbook's stdout as it is read (the events, as the worker reads them). */
  onStdoutLine?: (line: string) => void;
}

async function journal(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** `playbook` (relative to the checkout) on the install `spec` under `dataDir`, whose cluster is <dataDir>/control-plane/admin.conf. */
export async function runStandinPlaybook(spec: Installation, dataDir: string, playbook: string, opts: StandinRunOptions = {}): Promise<StandinRun> {
  const layout = runLayout(dataDir, spec.metadata.name);
  const phaseDir = layout.phaseDir('kubespray');
  await writeFilesAtomically(
    new Map([...renderInventoryFiles(spec, layout), [layout.extraVarsFile('kubespray'), renderExtraVars(spec, layout, 'kubespray', opts.vars)]]),
  );
  await mkdir(join(phaseDir, 'tmp'), { recursive: true });
  const before = (await journal(layout.journal)).length;
  const command = playbookCommand({
    phaseDir,
    playbook: join(STANDIN_KUBESPRAY, playbook),
    inventory: layout.hostsFile,
    extraVarsFiles: [layout.extraVarsFile('kubespray')],
    limit: opts.limit,
  });
  const started = performance.now();
  const onLine = opts.onStdoutLine;
  const stdout = onLine
    ? function* (line: unknown) {
        onLine(String(line));
        yield line;
      }
    : 'pipe';
  const r = await execa(command.file, command.args, { env: command.env, cwd: STANDIN_KUBESPRAY, stdin: 'ignore', stdout, reject: false, timeout: 300_000 });
  const ms = performance.now() - started;
  const failures = String(r.stdout)
    .split('\n')
    .map(parseEventLine)
    .flatMap((e) => (e?.event === 'runner_failed' ? [{ task: e.task, host: e.host, msg: e.msg }] : []));
  const lines = (await journal(layout.journal)).slice(before).map((line) => line.replace(/^kubespray /, ''));
  return { exitCode: r.exitCode ?? -1, failures, journal: lines, ms };
}
