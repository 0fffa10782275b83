// The commands of the README and of docs/*.md, as written, on this checkout: every `npx kinstall`
// line of their sh blocks. A concrete line of an offline verb (validate, plan, --help) is run
// through the shell from the repository root and must exit 0; every other line (a synopsis:
// FILE, ID, [options], a | b; or a concrete line of a verb that needs a server) names verbs and
// options that `kinstall VERB --help` must know. `npx kinstall` itself resolves through
// node_modules/.bin/kinstall, which the set-up links (docs/development.md, "The set-up").
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, DOC_PAGES, REPO_ROOT } from './support/repo.js';

const PAGES = DOC_PAGES;
/** The `npx kinstall` commands of a page's sh blocks, without their comments. */
const commandsOf = (page: string) =>
  [...readFileSync(join(REPO_ROOT, page), 'utf8').matchAll(/^```sh\n([\s\S]*?)^```/gm)]
    .flatMap((m) => m[1]!.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx kinstall'));
const commands = PAGES.flatMap((page) => commandsOf(page).map((command) => [page, command] as const));
const PLACEHOLDER = /\b(FILE|ID|N|NAME|URL|IP|DIR)\b|\[|\||\.\.\./;
const OFFLINE = new Set(['validate', 'plan', '--help']);
const isRunnable = (c: string) => !PLACEHOLDER.test(c) && OFFLINE.has(c.split(/\s+/)[2] ?? '');
const runnable = commands.filter(([, c]) => isRunnable(c));
const checked = commands.filter(([, c]) => !isRunnable(c));

// A worktree whose node_modules is a link to another checkout's gets that checkout's
// node_modules/.bin/kinstall, so `npx kinstall` would run the other checkout's CLI: there, and
// only there, this checkout's CLI is run in its place. Elsewhere the lines run as written.
const sharedBin =
  lstatSync(join(REPO_ROOT, 'node_modules')).isSymbolicLink() && realpathSync(join(REPO_ROOT, 'node_modules', '.bin', 'kinstall')) !== realpathSync(CLI);
const here = (command: string) => (sharedBin ? command.replace(/^npx kinstall\b/, `node ${CLI}`) : command);
const sh = (command: string) => execa('sh', ['-c', here(command)], { cwd: REPO_ROOT, reject: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });

// The synopses' verbs asked for their help once each (several synopses share a verb), from the
// CLI that `npx kinstall` runs: the lines run as written show that it resolves, and an npx
// start-up per synopsis costs about a second of CPU.
const helps = new Map<string, Promise<{ exitCode?: number; stdout: string }>>();
const helpOf = (verb: string) => {
  if (!helps.has(verb))
    helps.set(
      verb,
      execa('node', [CLI, verb, '--help'], { reject: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } }).then((r) => ({
        exitCode: r.exitCode,
        stdout: String(r.stdout),
      })),
    );
  return helps.get(verb)!;
};

describe('the commands of the README and docs/ on this checkout', () => {
  it('has command lines to check, among them validate and plan of the demo spec, from the README and the operator guide', () => {
    expect(runnable.map(([, c]) => c)).toEqual(
      expect.arrayContaining([
        'npx kinstall --help',
        'npx kinstall validate inventories/local-demo/install.yaml',
        'npx kinstall plan inventories/local-demo/install.yaml',
        'npx kinstall validate inventories/local-demo/tour.yaml',
      ]),
    );
    expect(checked.length).toBeGreaterThan(5);
    expect([...new Set(commands.map(([page]) => page))]).toEqual(expect.arrayContaining(['README.md', 'docs/operating.md']));
  });

  it.each(runnable)('%s: %s exits 0 and prints its answer', async (_page, command) => {
    const r = await sh(command);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(String(r.stdout).length).toBeGreaterThan(0);
  });

  it('validate reports a bad spec with exit 2, as the operator guide says', async () => {
    const r = await sh('npx kinstall validate test/fixtures/does-not-exist.yaml');
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).split('\n').filter(Boolean)).toHaveLength(1);
  });

  it.each(checked)("%s: %s: its verbs and options are the CLI's", async (_page, synopsis) => {
    const words = synopsis.replace(/^npx kinstall\s+/, '').split(/\s*\|\s*/);
    for (const form of words) {
      const verb = form.split(/\s+/)[0]!;
      const help = await helpOf(verb);
      expect([verb, help.exitCode]).toEqual([verb, 0]);
      for (const option of form.match(/--[a-z][a-z-]*/g) ?? []) expect([verb, help.stdout]).toEqual([verb, expect.stringContaining(option)]);
    }
  });
});
