// The README's commands, as written, on this checkout: every `npx kinstall` line of its sh
// blocks. A concrete line of an offline verb (validate, plan, --help) is run through the shell
// from the repository root and must exit 0; a synopsis line (FILE, ID, [options], a | b) names
// verbs and options that `npx kinstall VERB --help` must know. `npx kinstall` itself resolves
// through node_modules/.bin/kinstall, which the set-up links (README, "Using it").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './support/repo.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const shLines = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap((m) => m[1]!.split('\n'));
/** The command of a line, without its comment. */
const commands = shLines.map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l.startsWith('npx kinstall'));
const PLACEHOLDER = /\b(FILE|ID|N|NAME|URL|IP|DIR)\b|\[|\||\.\.\./;
const OFFLINE = new Set(['validate', 'plan', '--help']);
const runnable = commands.filter((c) => !PLACEHOLDER.test(c) && OFFLINE.has(c.split(/\s+/)[2] ?? ''));
const synopses = commands.filter((c) => PLACEHOLDER.test(c));

const sh = (command: string) => execa('sh', ['-c', command], { cwd: REPO_ROOT, reject: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });

describe("the README's commands on this checkout", () => {
  it('has command lines to check, among them validate and plan of the demo spec', () => {
    expect(runnable).toEqual(
      expect.arrayContaining([
        'npx kinstall --help',
        'npx kinstall validate inventories/local-demo/install.yaml',
        'npx kinstall plan inventories/local-demo/install.yaml',
      ]),
    );
    expect(synopses.length).toBeGreaterThan(5);
  });

  it.each(runnable)('%s exits 0 and prints its answer', async (command) => {
    const r = await sh(command);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(String(r.stdout).length).toBeGreaterThan(0);
  });

  it('validate reports a bad spec with exit 2, as the README says', async () => {
    const r = await sh('npx kinstall validate test/fixtures/does-not-exist.yaml');
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).split('\n').filter(Boolean)).toHaveLength(1);
  });

  it.each(synopses)("%s: its verbs and options are the CLI's", async (synopsis) => {
    const words = synopsis.replace(/^npx kinstall\s+/, '').split(/\s*\|\s*/);
    for (const form of words) {
      const verb = form.split(/\s+/)[0]!;
      const help = await sh(`npx kinstall ${verb} --help`);
      expect([verb, help.exitCode]).toEqual([verb, 0]);
      for (const option of form.match(/--[a-z][a-z-]*/g) ?? []) expect([verb, String(help.stdout)]).toEqual([verb, expect.stringContaining(option)]);
    }
  });
});
