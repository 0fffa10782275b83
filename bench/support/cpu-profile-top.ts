// The functions a V8 CPU profile (`node --cpu-prof`) saw running most, by self time: each
// sample's interval is charged to the function on top of the stack, summed per function.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { REPO_ROOT } from '../../lib/local-tools.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** Function name and where it is (`(idle)`, `(garbage collector)` and the like have no place). */
  name: string;
  ms: number;
}

/** The busy time sampled (idle left out) and its `count` largest items. */
export async function topSelfTimes(file: string, count: number): Promise<{ totalMs: number; top: SelfTime[] }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const nameOf = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => {
      const where = url ? ` ${relative(REPO_ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
      return [id, `${functionName || '(anonymous)'}${where}`];
    }),
  );
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = nameOf.get(id)!;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  // Idle is the event loop waiting: not work.
  const top = [...self]
    .filter(([name]) => name !== '(idle)')
    .map(([name, ms]) => ({ name, ms }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs: top.reduce((sum, t) => sum + t.ms, 0), top: top.slice(0, count) };
}
