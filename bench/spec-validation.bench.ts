// How long `kinstall validate` takes on the spec fuzz test's generated specs and raw text
// (test/support/spec-arbitraries.ts, the same seed): the product's YAML reader alone
// (lib/spec/parse-yaml.ts, the floor every reader of the file pays) against parseSpecText (that
// reader, then the schema, the cross-field rules and the text checks), interleaved round by
// round (BENCH_ROUNDS, default 20) so that a change in the machine's load hits both; medians
// and their ratio. The slowest
// single spec is printed against the goal of answering within a second (<= 1 meets it).
import fc from 'fast-check';
import yaml from 'js-yaml';
import { parseYaml } from '../lib/spec/parse-yaml.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { rawText, SEED, specs } from '../test/support/spec-arbitraries.js';
import { median } from './support/statistics.js';

const COUNT = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const GOAL_MS = 1000;

/** Milliseconds for each text, read by `read`. */
function timeEach(texts: string[], read: (text: string) => unknown): number[] {
  return texts.map((text) => {
    const started = performance.now();
    read(text);
    return performance.now() - started;
  });
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function measure(label: string, texts: string[]): void {
  // Warm-up: the first pass compiles the schema's and the reader's code paths.
  timeEach(texts, parseYaml);
  timeEach(texts, parseSpecText);
  const parse: number[] = [];
  const validate: number[] = [];
  let slowest = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Each first every other round: the second of a pair runs on warmer caches.
    const runParse = () => parse.push(sum(timeEach(texts, parseYaml)));
    const runValidate = () => {
      const each = timeEach(texts, parseSpecText);
      validate.push(sum(each));
      slowest = Math.max(slowest, ...each);
    };
    if (round % 2) {
      runValidate();
      runParse();
    } else {
      runParse();
      runValidate();
    }
  }
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `${label}: ${texts.length.toLocaleString('en')} texts, median of ${ROUNDS} rounds: parse only ${ms(median(parse))}, validate ${ms(median(validate))} ` +
      `(${(median(validate) / median(parse)).toFixed(2)}x parse only); slowest text ${ms(slowest)}, ${(slowest / GOAL_MS).toFixed(4)}x the goal of ${GOAL_MS} ms`,
  );
}

export default async function bench(): Promise<void> {
  measure(
    'generated specs',
    fc.sample(specs, { seed: SEED, numRuns: COUNT }).map((doc) => yaml.dump(doc)),
  );
  measure('raw text', fc.sample(rawText, { seed: SEED, numRuns: COUNT }));
}
