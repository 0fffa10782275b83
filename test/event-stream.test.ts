import { Readable, Writable } from 'node:stream';
import { readEventStream } from '../activities/ansible/event-stream.js';
import type { AnsibleEvent } from '../lib/ansible/events.js';
import { redactor } from '../lib/ansible/redact.js';

const SECRET = 'the-registry-password-42';

/** What the reader keeps and hands on for stdout arriving in these chunks. */
async function read(chunks: Buffer[]): Promise<{ kept: string; events: AnsibleEvent[] }> {
  let kept = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      kept += chunk.toString();
      done();
    },
  });
  const events: AnsibleEvent[] = [];
  await readEventStream(Readable.from(chunks), redactor([SECRET]), sink, (e) => events.push(e));
  return { kept, events };
}

/** `text` cut into chunks at these byte offsets. */
const cut = (text: string, at: number[]): Buffer[] => {
  const bytes = Buffer.from(text);
  return [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i]));
};

const stdout = [
  '{"event": "task_start", "task": "Préparer les hôtes"}',
  '[WARNING]: a line that is not an event',
  `{"event": "runner_failed", "task": "Log in", "host": "master-1", "ignored": false, "msg": "denied for ${SECRET}", "output": ""}`,
  '{"event": "runner_ok", "task": "Log in", "host": "worker-1", "changed": true}',
].join('\n');

describe('the event stream reader (pure streams, no Ansible)', () => {
  it('keeps every line, hands on each event, whatever the chunks (a line, a character or the secret cut in two)', async () => {
    const secretAt = Buffer.from(stdout).indexOf(SECRET) + 5;
    const accentAt = Buffer.from(stdout).indexOf('é') + 1; // inside the two bytes of é
    const whole = await read([Buffer.from(`${stdout}\n`)]);
    expect(whole.events.map((e) => e.event)).toEqual(['task_start', 'runner_failed', 'runner_ok']);
    expect(whole.kept).toBe(`${stdout.replace(SECRET, '********')}\n`);
    expect(whole.kept).not.toContain(SECRET);
    for (const at of [[accentAt], [secretAt], [accentAt, 60, secretAt, secretAt + 3], Array.from({ length: Buffer.byteLength(stdout) - 1 }, (_, i) => i + 1)]) {
      expect(await read(cut(`${stdout}\n`, at))).toEqual(whole);
    }
  });

  it('reads a last line that has no newline', async () => {
    const { kept, events } = await read([Buffer.from(stdout)]);
    expect(events.at(-1)).toEqual({ event: 'runner_ok', task: 'Log in', host: 'worker-1', changed: true });
    expect(kept).toBe(`${stdout.replace(SECRET, '********')}\n`);
  });
});
