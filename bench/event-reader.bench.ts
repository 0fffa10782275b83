// P1, second half: the product's Ansible event reader alone, in events per second — the loop
// run-playbook.ts runs on ansible-playbook's stdout (readline, redaction of the run's secrets,
// the line kept, parsed, applied to the progress tracker), fed 20,000 recorded Kubespray
// events (test/fixtures/events-kubespray.jsonl, repeated) from a stream. Goal: >= 50,000/s.
// (The first half of P1, one kubespray phase through the product against bare
// ansible-playbook with 20,000 events, is not written yet: see the README.)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ProgressTracker, parseEventLine } from '../lib/ansible/events.js';
import { redactor } from '../lib/ansible/redact.js';
import { REPO_ROOT } from '../lib/local-tools.js';

const EVENTS = 20_000;
const GOAL = 50_000;

async function readEvents(lines: string[]): Promise<number> {
  const redact = redactor(['a-secret-value-of-the-run', 'another-secret-of-the-run']);
  const tracker = new ProgressTracker();
  const kept = new Writable({ write: (_chunk, _enc, done) => done() });
  const input = Readable.from(lines.map((l) => `${l}\n`));
  let events = 0;
  for await (const raw of createInterface({ input })) {
    const line = redact(raw);
    kept.write(`${line}\n`);
    const event = parseEventLine(line);
    if (!event) continue;
    tracker.apply(event);
    tracker.snapshot(); // what each heartbeat sends
    events++;
  }
  return events;
}

export default async function bench(): Promise<void> {
  const recorded = (await readFile(join(REPO_ROOT, 'test', 'fixtures', 'events-kubespray.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const lines = Array.from({ length: EVENTS }, (_, i) => recorded[i % recorded.length]!);
  await readEvents(lines); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    const events = await readEvents(lines);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    runs.push(events / seconds);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)]!;
  console.log(`event reader: ${EVENTS} events, median of 5 runs ${Math.round(median).toLocaleString('en')} events/s (min ${Math.round(runs[0]!).toLocaleString('en')}, max ${Math.round(runs.at(-1)!).toLocaleString('en')})`);
  console.log(`  ratio to the goal of ${GOAL.toLocaleString('en')}/s: ${(median / GOAL).toFixed(2)}x (>= 1 meets it)`);
}
