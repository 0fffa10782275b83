// One finding of a check, as preflight and verify report them: what it is about, what was seen,
// what was expected, and the verdict. Every check reports, so the operator sees all at once.
import { table } from '../format/table.js';

/**
 * ok and failed as they say; warning: passes, but someone should look; ignored: failed, and the
 * spec says to go on (preflight.ignore); skipped: not checked, as the spec asks (never shown as ok).
 */
export type FindingResult = 'ok' | 'failed' | 'warning' | 'ignored' | 'skipped';

export interface Finding<Rule extends string = string> {
  rule: Rule;
  /** The object the finding is about: a Node (or several), a pool, a namespace, a URL, a StorageClass. */
  object: string;
  observed: string;
  expected: string;
  result: FindingResult;
}

export const findingsPass = (findings: readonly Finding[]): boolean => findings.every((f) => f.result !== 'failed');

/** The findings as a table: what `kinstall plan` prints and a failed preflight or verify says. */
export function formatFindings(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [f.result.toUpperCase(), f.rule, f.object, f.observed, f.expected]);
  return table([['RESULT', 'REQUIREMENT', 'OBJECT', 'OBSERVED', 'EXPECTED'], ...rows]);
}
