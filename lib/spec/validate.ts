// Parsing and validating an install spec: every problem, each with its path.
import yaml from 'js-yaml';
import type { z } from 'zod';
import { crossFieldIssues, installationSchema, type Installation } from './schema.js';

export interface SpecError {
  path: string;
  message: string;
}

export type SpecResult = { ok: true; spec: Installation } | { ok: false; errors: SpecError[] };

/** `['spec', 'onprem', 'nodes', 1, 'address']` -> `spec.onprem.nodes[1].address` */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(document)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `required: ${issue.message.replace(/^Invalid input: /, '')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function validateSpec(doc: unknown): SpecResult {
  const result = installationSchema.safeParse(doc);
  const errors = [
    ...(result.success ? [] : result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issueMessage(issue) }))),
    ...crossFieldIssues(doc).map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  ];
  if (result.success && errors.length === 0) return { ok: true, spec: result.data };
  return { ok: false, errors };
}

export function parseSpecText(text: string): SpecResult {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    return { ok: false, errors: [{ path: '(document)', message: `expected YAML: ${(err as Error).message.split('\n')[0]}` }] };
  }
  return validateSpec(doc);
}
