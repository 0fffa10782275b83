// Codec key rotation on a real dev server with real workers: an install started with the old
// key waits at an approval gate while a new key is added to the key ring (the newest
// encrypts, any decrypts) and the worker restarted. The install still reads (status) and
// goes on (its next phase runs, sealed with the new key) until it is cancelled; new installs
// use the new key; the codec server opens both; without the old key its start does not open.
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { InstallStatus } from '../lib/install/status.js';
import { AesGcmCodec, KEY_ID_METADATA } from '../lib/codec/aes-gcm-codec.js';
import { newKeyLine, parseKeyRing } from '../lib/codec/key-ring.js';
import { devKeyRingFile, loadKeyRing } from '../client/codec-keys.js';
import { startCodecServer } from '../client/codec-server.js';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { CLI, REPO_ROOT } from './support/repo.js';

const TEMPORAL = join(REPO_ROOT, '.venv', 'bin', 'temporal');

let h: Harness;
beforeAll(async () => {
  h = await startHarness('rotation');
});
afterAll(() => h?.close());

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

interface HistoryEvent {
  workflowExecutionStartedEventAttributes?: { input: { payloads: JsonPayload[] } };
  activityTaskCompletedEventAttributes?: { result: { payloads: JsonPayload[] } };
}

async function history(id: string): Promise<HistoryEvent[]> {
  const r = await execa(TEMPORAL, ['workflow', 'show', '--workflow-id', id, '--address', h.env.TEMPORAL_ADDRESS!, '--output', 'json']);
  return (JSON.parse(r.stdout) as { events: HistoryEvent[] }).events;
}
const startInput = async (id: string) => (await history(id))[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
const keyIdOf = (p: JsonPayload) => Buffer.from(p.metadata[KEY_ID_METADATA]!, 'base64').toString();
const fromJson = (p: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

/**
 * After the rotation, through the CLI, which reads the key ring afresh as an operator's would
 * (the harness's own client keeps the ring it started with, so it cannot open newer payloads).
 */
async function waitForCli(name: string, until: (s: InstallStatus) => boolean): Promise<InstallStatus> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const s = await h.status(name).catch(() => undefined);
    if (s && until(s)) return s;
    if (Date.now() > deadline) throw new Error(`install-${name} did not reach the expected state; last: ${s?.state}`);
    await sleep(1000);
  }
}

describe('codec key rotation (real dev server, real workers)', () => {
  it('an install started with the old key reads and goes on after a new key is added; new ones use the new key', async () => {
    const ringFile = devKeyRingFile(h.dataDir);
    const oldRing = await loadKeyRing(`file:${ringFile}`);
    // Two gates: after the first approval, preflight runs under the new key and the install
    // waits again, so the cancel below never races the install's end.
    const gated = (name: string) =>
      h.writeSpec(name, (spec) => {
        singleNode(spec);
        spec.spec.approvals = ['before-preflight', 'before-inventory'];
      });
    const first = await h.startWorker();
    expect((await h.cli('start', await gated('rot-old'))).exitCode).toBe(0);
    await h.waitFor('rot-old', (s) => s.state === 'waiting-for-approval');
    await first.stop();

    const newKey = newKeyLine();
    await appendFile(ringFile, `${newKey}\n`);
    const rotated = await loadKeyRing(`file:${ringFile}`);
    expect(rotated.current.id).not.toBe(oldRing.current.id);
    await h.startWorker();

    // The new worker replays a history sealed with the old key, answers, and carries on.
    expect((await h.status('rot-old')).state).toBe('waiting-for-approval');
    expect((await h.cli('approve', 'install-rot-old', '--as', 'ops-lead')).exitCode).toBe(0);
    await waitForCli('rot-old', (s) => s.phases[0]?.state === 'completed' && s.state === 'waiting-for-approval');
    expect((await h.cli('cancel', 'install-rot-old')).exitCode).toBe(0);
    expect((await h.cli('start', await gated('rot-new'))).exitCode).toBe(0);
    await waitForCli('rot-new', (s) => s.state === 'waiting-for-approval');
    expect((await h.cli('cancel', 'install-rot-new')).exitCode).toBe(0);

    const oldEvents = await history('install-rot-old');
    const oldInput = oldEvents[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    // The preflight activity ran after the rotation: its result is sealed with the new key.
    const oldResult = oldEvents.filter((e) => e.activityTaskCompletedEventAttributes).at(-1)!.activityTaskCompletedEventAttributes!.result.payloads[0]!;
    const newInput = await startInput('install-rot-new');
    expect([keyIdOf(oldInput), keyIdOf(oldResult), keyIdOf(newInput)]).toEqual([oldRing.current.id, rotated.current.id, rotated.current.id]);

    // The codec server with the rotated ring opens both; a ring without the old key cannot open the old one.
    const server = await startCodecServer({ codec: new AesGcmCodec(rotated), token: 'rotation-test-token-0123', port: 0, origins: [] });
    try {
      const res = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { Authorization: 'Bearer rotation-test-token-0123' },
        body: JSON.stringify({ payloads: [oldInput, newInput] }),
      });
      // The spec is the start's one argument, a JSON object (older runs: a JSON string of it).
      const specOf = (p: JsonPayload) => {
        const value = JSON.parse(Buffer.from(p.data, 'base64').toString()) as unknown;
        return (typeof value === 'string' ? JSON.parse(value) : value) as { metadata: { name: string } };
      };
      const names = ((await res.json()) as { payloads: JsonPayload[] }).payloads.map((p) => specOf(p).metadata.name);
      expect(names).toEqual(['rot-old', 'rot-new']);
    } finally {
      await server.close();
    }
    const newOnly = new AesGcmCodec(parseKeyRing(newKey, 'new key only'));
    await expect(newOnly.decode([fromJson(oldInput)])).rejects.toThrow('which is not in this key ring');
    // A CLI given some other key says so in one line.
    const stranger = join(h.dataDir, 'stranger-keys');
    await writeFile(stranger, `${newKeyLine()}\n`, { mode: 0o600 });
    const strangerEnv = { ...h.env, KATONIC_CODEC_KEYS: `file:${stranger}` };
    const r = await execa('node', [CLI, 'status', 'install-rot-old'], { env: strangerEnv, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^cannot read what the server holds: a payload is sealed with codec key "k-[0-9a-f]{16}", which is not in this key ring \(KATONIC_CODEC_KEYS\)$/,
    );
    // Listing needs no payload: installs it cannot open are still listed.
    const listed = await execa('node', [CLI, 'list', '--json'], { env: strangerEnv, reject: false });
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'install-rot-old', cluster: 'rot-old', flow: '', state: 'cancelled' })]),
    );
  }, 360_000); // two worker starts, two installs and a dozen CLI runs: minutes on a loaded machine
});
