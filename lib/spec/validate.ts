// Parsing and validating an install spec: every problem, each with its path. Nothing of the
// document is repeated but the names of fields, escaped: a file that is not a spec is only
// said not to be one.
import type { z } from 'zod';
import { hasTemplateText, NO_TEMPLATE_TEXT } from '../ansible/template-text.js';
import { escapeText, hasControlCharacters, quoteText } from '../safe-text.js';
import { formatPath, isIdentifier } from './format-path.js';
import { parseYaml, sizeProblem } from './parse-yaml.js';
import { isFlow } from '../plan/phases.js';
import { anyFlowSpecSchema, byFlow, crossFieldIssues, installationSchema, type Installation, type SpecIssue } from './schema.js';

export interface SpecError {
  path: string;
  message: string;
}

export type SpecResult = { ok: true; spec: Installation } | { ok: false; errors: SpecError[] };

/** A zod issue as `kinstall validate` says it (unknown fields named, escaped). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 5).map((k) => (isIdentifier(k) ? k : quoteText(k, 40)));
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `required: ${issue.message.replace(/^Invalid input: /, '')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A document that does not even say it is an install spec gets one error, not a list of its keys. */
function notAnInstallation(doc: unknown): boolean {
  return !isRecord(doc) || (doc.kind !== 'Installation' && doc.apiVersion !== 'katonic.ai/v1');
}

/** A spec whose flow is none of the three: what every flow has, checked on its own. */
function anyFlowIssues(doc: unknown): z.core.$ZodIssue[] {
  const spec = isRecord(doc) ? doc.spec : undefined;
  if (!isRecord(spec) || isFlow(spec.flow)) return [];
  return (anyFlowSpecSchema.safeParse(spec).error?.issues ?? []).map((issue) => ({ ...issue, path: ['spec', ...issue.path] }));
}

/** Template text and control characters in any string field (extraVars has its own rules). */
function textIssues(value: unknown, path: (string | number)[], out: SpecIssue[]): void {
  if (typeof value === 'string') {
    if (hasTemplateText(value)) out.push({ path, message: NO_TEMPLATE_TEXT });
    else if (hasControlCharacters(value) || /[\n\r]/.test(value)) out.push({ path, message: 'expected text without control characters or line breaks' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textIssues(item, [...path, i], out));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value))
      if (!(path.length === 1 && path[0] === 'spec' && key === 'extraVars')) textIssues(item, [...path, key], out);
  }
}

export function validateSpec(doc: unknown): SpecResult {
  const tooLarge = sizeProblem(doc);
  if (tooLarge) return { ok: false, errors: [{ path: '(document)', message: tooLarge }] };
  if (notAnInstallation(doc)) {
    return {
      ok: false,
      errors: [{ path: '(document)', message: 'not an install spec: expected a YAML mapping with apiVersion: katonic.ai/v1 and kind: Installation' }],
    };
  }
  const result = installationSchema.safeParse(doc);
  const issues: SpecIssue[] = [
    ...[...(result.error?.issues ?? []), ...anyFlowIssues(doc)].map((issue) => ({ path: issue.path as (string | number)[], message: issueMessage(issue) })),
    ...crossFieldIssues(doc),
  ];
  const text: SpecIssue[] = [];
  textIssues(doc, [], text);
  const errors = issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const seen = new Set(errors.map((e) => e.path));
  for (const issue of text) if (!seen.has(formatPath(issue.path))) errors.push({ path: formatPath(issue.path), message: issue.message });
  if (result.success && errors.length === 0) return { ok: true, spec: byFlow(result.data) };
  return { ok: false, errors: errors.map((e) => ({ path: e.path, message: escapeText(e.message) })) };
}

export function parseSpecText(text: string): SpecResult {
  const parsed = parseYaml(text);
  if (!parsed.ok) return { ok: false, errors: [{ path: '(document)', message: escapeText(parsed.message) }] };
  return validateSpec(parsed.value);
}
