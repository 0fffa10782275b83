// P1, second half: the product's Ansible event reader alone, in events per second — the code
// run-playbook.ts runs on ansible-playbook's stdout (activities/ansible/event-stream.ts:
// redaction of the run's secrets, the lines kept in an events file, parsed, applied to the
// progress tracker), fed 20,000 recorded Kubespray events (test/fixtures/events-kubespray.jsonl,
// repeated) in 64 KiB chunks, as a pipe delivers them when the reader is the bottleneck.
// Goal: >= 50,000/s. The first half of P1 is bench/kubespray-overhead.bench.ts, which prints
// this too.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { readEventStream } from '../activities/ansible/event-stream.js';
import { ProgressTracker } from '../lib/ansible/events.js';
import { redactor } from '../lib/ansible/redact.js';
import { REPO_ROOT } from '../lib/local-tools.js';
import { median } from './support/statistics.js';

const EVENTS = 20_000;
const RUNS = 5;
const CHUNK_BYTES = 64 * 1024;
export const READER_GOAL = 50_000;

async function readEvents(stdout: Buffer, eventsFile: string): Promise<number> {
  const redact = redactor(['a-secret-value-of-the-run', 'another-secret-of-the-run']);
  const tracker = new ProgressTracker();
  const kept = createWriteStream(eventsFile);
  const chunks = Array.from({ length: Math.ceil(stdout.length / CHUNK_BYTES) }, (_, i) => stdout.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  let events = 0;
  await readEventStream(Readable.from(chunks), redact, kept, (event) => {
    tracker.apply(event);
    events++;
  });
  kept.end();
  await finished(kept);
  tracker.snapshot(); // what the run returns
  return events;
}

export interface ReaderSpeed {
  events: number;
  /** Events per second, each of RUNS runs, sorted. */
  runs: number[];
  median: number;
}

export async function measureEventReader(): Promise<ReaderSpeed> {
  const recorded = (await readFile(join(REPO_ROOT, 'test', 'fixtures', 'events-kubespray.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const stdout = Buffer.from(Array.from({ length: EVENTS }, (_, i) => `${recorded[i % recorded.length]!}\n`).join(''));
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-reader-'));
  try {
    await readEvents(stdout, join(dir, 'events.jsonl')); // warm-up
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint();
      const events = await readEvents(stdout, join(dir, 'events.jsonl'));
      runs.push(events / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    runs.sort((a, b) => a - b);
    return { events: EVENTS, runs, median: median(runs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function describeReaderSpeed({ events, runs, median }: ReaderSpeed): string {
  const rate = (n: number) => `${Math.round(n).toLocaleString('en')}/s`;
  return `event reader alone: ${events.toLocaleString('en')} events, median of ${runs.length} runs ${rate(median)} (min ${rate(runs[0]!)}, max ${rate(runs.at(-1)!)}); ${(median / READER_GOAL).toFixed(2)}x the goal of ${rate(READER_GOAL)} (>= 1 meets it)`;
}

export default async function bench(): Promise<void> {
  console.log(describeReaderSpeed(await measureEventReader()));
}
