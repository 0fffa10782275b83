// The inert YAML writer: what ansible-core's own YAML loader reads back is the same data,
// every string (value, or key that is not a plain name) marked unsafe, and only the
// installer's own templates left as templates.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { AnsibleTemplate, inertYaml } from '../lib/ansible/inert-yaml.js';
import { readInertYaml, readInertYamlMarked, UnsafeText } from './support/inert-yaml-reader.js';
import { REPO_ROOT } from './support/repo.js';

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');

// Loads each file with ansible-core's AnsibleLoader; fails on any string value, or key that is
// not a plain name, that is not AnsibleUnsafe; prints the data as JSON.
const ANSIBLE_READ = `
import json, re, sys
from ansible.parsing.yaml.loader import AnsibleLoader
from ansible.utils.unsafe_proxy import AnsibleUnsafe
PLAIN = re.compile(r'^[A-Za-z_][A-Za-z0-9_-]*$')
def check(v, where):
    if isinstance(v, str) and not isinstance(v, AnsibleUnsafe):
        sys.exit('not unsafe at %s' % where)
    if isinstance(v, list):
        for i, x in enumerate(v): check(x, '%s[%d]' % (where, i))
    if isinstance(v, dict):
        for k, x in v.items():
            if not PLAIN.match(k): check(k, where + '.<key>')
            check(x, '%s.%s' % (where, k))
out = []
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        data = AnsibleLoader(f.read()).get_single_data()
    check(data, path)
    out.append(data)
print(json.dumps(out))
`;

async function readWithAnsible(texts: string[]): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-inert-'));
  const files = await Promise.all(
    texts.map(async (text, i) => {
      const file = join(dir, `${i}.yml`);
      await writeFile(file, text);
      return file;
    }),
  );
  const r = await execa(PYTHON, ['-c', ANSIBLE_READ, ...files], { reject: false, maxBuffer: 64 * 1024 * 1024 });
  if (r.exitCode !== 0) throw new Error(`ansible's loader refused the files: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

describe('inert YAML for Ansible (pure writer, ansible-core loader)', () => {
  it('tags every string, keeps numbers, booleans and null typed, and the installer templates as templates', () => {
    const text = inertYaml(
      {
        host: '10.0.0.1',
        port: 22,
        gpu: false,
        none: null,
        list: ['a', 1],
        interpreter: new AnsibleTemplate('{{ ansible_playbook_python }}'),
        empty: {},
        nothing: [],
      },
      ['header'],
    );
    expect(text).toBe(
      [
        '# header',
        'host: !unsafe "10.0.0.1"',
        'port: 22',
        'gpu: false',
        'none: null',
        'list:',
        '  - !unsafe "a"',
        '  - 1',
        'interpreter: "{{ ansible_playbook_python }}"',
        'empty: {}',
        'nothing: []',
        '',
      ].join('\n'),
    );
    expect(readInertYamlMarked(text)).toMatchObject({ host: new UnsafeText('10.0.0.1'), interpreter: '{{ ansible_playbook_python }}' });
  });

  it('quotes and tags keys that are not plain names, YAML 1.1 words among them', () => {
    expect(inertYaml({ yes: 1, 'node-role.kubernetes.io/x': 'y', "{{ lookup('pipe', 'id') }}": 2 })).toBe(
      `!unsafe "yes": 1\n!unsafe "node-role.kubernetes.io/x": !unsafe "y"\n!unsafe "{{ lookup('pipe', 'id') }}": 2\n`,
    );
  });

  it('escapes everything but printable ASCII, and keeps comments on their lines', () => {
    const text = inertYaml({ a: 'line\nnext "q" \\ \u001b[31m \u0085 \u2028 é 😀' }, ['name\nansible_host: evil']);
    expect(text).toBe('# name\\nansible_host: evil\na: !unsafe "line\\nnext \\"q\\" \\\\ \\u001b[31m \\u0085 \\u2028 \\u00e9 \\U0001f600"\n');
    expect(readInertYaml(text)).toEqual({ a: 'line\nnext "q" \\ \u001b[31m \u0085 \u2028 é 😀' });
  });

  it('writes floats as YAML 1.1 floats', () => {
    expect(inertYaml([1e21, 1e-7, 1.5, -2, Infinity, -Infinity, NaN])).toBe('- 1.0e+21\n- 1.0e-7\n- 1.5\n- -2\n- .inf\n- -.inf\n- .nan\n');
  });

  it('refuses what is not JSON data', () => {
    expect(() => inertYaml({ when: new Date(0) })).toThrow('only JSON values');
  });

  it('round-trips 1,000 generated JSON values, nested, through js-yaml and through ansible-core (seeded)', async () => {
    const values = fc.sample(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), { numRuns: 1000, seed: 20240508 });
    const texts = values.map((value) => inertYaml({ value }));
    const expected = values.map((value) => JSON.parse(JSON.stringify({ value })) as unknown);
    expect(texts.map(readInertYaml)).toEqual(expected);
    expect(await readWithAnsible(texts)).toEqual(expected);
  });
});
