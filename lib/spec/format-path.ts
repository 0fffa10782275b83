// Where a problem is, as a user reads it: `spec.onprem.nodes[1].address`. Keys that are not
// plain names are quoted and escaped, since they come from the user's file.
import { quoteText } from '../safe-text.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isIdentifier = (key: string): boolean => IDENTIFIER.test(key);

/** `['spec', 'onprem', 'nodes', 1, 'address']` -> `spec.onprem.nodes[1].address`. */
export function formatPath(path: PropertyKey[]): string {
  const step = (key: PropertyKey) => (typeof key === 'number' ? `[${key}]` : isIdentifier(String(key)) ? `.${String(key)}` : `[${quoteText(String(key), 64)}]`);
  return path.map(step).join('').replace(/^\./, '') || '(document)';
}
