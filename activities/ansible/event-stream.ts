// ansible-playbook's stdout as the activity reads it: the run's secrets cut out, every line kept
// (the run's events file), each event of the stream handed on. Its own file so that the
// benchmark (bench/event-reader.bench.ts) times the code the activity runs.
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { parseEventLine, type AnsibleEvent } from '../../lib/ansible/events.js';

/**
 * Reads `stdout` to its end. A chunk's complete lines are redacted and kept as one block (one
 * regex pass and one write per chunk, not per event); a line cut by the chunk's end waits for
 * the next chunk, so a secret is always redacted whole.
 */
export async function readEventStream(
  stdout: Readable,
  redact: (text: string) => string,
  kept: Writable,
  onEvent: (event: AnsibleEvent) => void,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const take = (text: string) => {
    const end = text.lastIndexOf('\n') + 1;
    partial = text.slice(end);
    if (!end) return;
    const block = redact(text.slice(0, end));
    kept.write(block);
    for (const line of block.split('\n')) {
      const event = parseEventLine(line);
      if (event) onEvent(event);
    }
  };
  for await (const chunk of stdout) take(partial + decoder.write(chunk as Buffer));
  const rest = partial + decoder.end();
  if (rest) take(`${rest}\n`);
}
