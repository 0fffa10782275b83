// `npm run bench`: every benchmark in bench/ (files NAME.bench.ts), one after the other;
// `npm run bench -- NAME` runs one. Each prints its own measurements side by side, as ratios;
// nothing here asserts a timing.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIR = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.js';

const available = (await readdir(DIR))
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`no benchmark ${unknown.join(', ')}; there are: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of asked.length ? asked : available) {
  console.log(`\n== ${name}`);
  const bench = (await import(pathToFileURL(join(DIR, `${name}${SUFFIX}`)).href)) as { default: () => Promise<void> };
  await bench.default();
}
