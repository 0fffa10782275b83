// The day-2 verbs refuse a bad argument before anything talks to a server: one line naming the
// argument and what was expected, exit 2 (the real CLI, no server listening).
import { execa } from 'execa';
import { CLI } from './support/repo.js';

const kinstall = (...args: string[]) => execa('node', [CLI, ...args], { reject: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });

describe('day-2 verbs with bad arguments (real CLI, no server)', () => {
  it.each([
    [['remove-node', 'Bad_Name', 'worker-1'], 'NAME: expected a DNS label'],
    [['remove-node', 'demo', 'worker 1'], 'NODE: expected a DNS label'],
    [['upgrade', 'demo', '--kube', '1.34'], '--kube: expected a Kubernetes version such as 1.33.7'],
    [['upgrade', 'demo', '--katonic', 'five'], '--katonic: expected a Katonic version'],
    [['upgrade', 'demo'], 'upgrade: expected exactly one of --kube VERSION or --katonic VERSION'],
    [['scale', 'demo', '--add', 'test/fixtures/no-such-file.yaml'], '--add'],
  ])('kinstall %j: exit 2, one line', async (args, message) => {
    const r = await kinstall(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
