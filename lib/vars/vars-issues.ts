// The rules for variables handed to every playbook, from `spec.extraVars` or `retry --vars`:
// names Ansible accepts and the installer does not own, secrets only as references, and no
// text Ansible's template engine would evaluate, at any depth. The same function checks a
// spec (validate, and the workflow's own check) and a retry (the CLI and the workflow's
// retry validator), so that no way in skips it.
import { hasTemplateText, NO_TEMPLATE_TEXT } from '../ansible/template-text.js';
import { hasControlCharacters } from '../safe-text.js';
import { reservedReason } from './reserved.js';
import { isSecretName } from './secret-names.js';
import { isSecretRef } from './secret-refs.js';

export type VarsPath = (string | number)[];
export interface VarsIssue {
  path: VarsPath;
  message: string;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Keys inside values: what Kubernetes labels, registry hosts and option names need, nothing a template needs.
const KEY_TEXT = /^[^{}#%]{1,253}$/;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

export const SECRET_AS_VALUE =
  'expected a secret reference "env:NAME" or "file:PATH": a variable named like a secret (password, token, secret, key, …) is never given in clear text';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueIssues(value: unknown, path: VarsPath, secret: boolean, out: VarsIssue[]): void {
  if (typeof value === 'string') {
    if (secret && !isSecretRef(value)) out.push({ path, message: SECRET_AS_VALUE });
    else if (PRIVATE_KEY_BLOCK.test(value))
      out.push({ path, message: 'expected no private key: give it as a reference "file:PATH" under a variable named like a secret' });
    if (hasTemplateText(value)) out.push({ path, message: NO_TEMPLATE_TEXT });
    if (hasControlCharacters(value)) out.push({ path, message: 'expected text without control characters (tab and line breaks are fine)' });
  } else if (typeof value === 'number') {
    if (secret) out.push({ path, message: SECRET_AS_VALUE });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => valueIssues(item, [...path, i], secret, out));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = [...path, key];
      if (!KEY_TEXT.test(key) || hasControlCharacters(key))
        out.push({ path: at, message: 'expected a key of 1 to 253 characters without "{", "}", "#", "%" or control characters' });
      else valueIssues(item, at, secret || isSecretName(key), out);
    }
  } else if (value !== null && typeof value !== 'boolean') {
    out.push({ path, message: 'expected a string, number, boolean, null, list or mapping' });
  }
}

/** Every problem with a mapping of variables, each at `at` + its path inside. */
export function varsIssues(vars: unknown, at: VarsPath): VarsIssue[] {
  if (!isRecord(vars)) return [{ path: at, message: 'expected a mapping of variable names to values' }];
  const out: VarsIssue[] = [];
  for (const [name, value] of Object.entries(vars)) {
    const path = [...at, name];
    const reserved = reservedReason(name);
    if (!VARIABLE_NAME.test(name)) out.push({ path, message: 'expected a variable name: letters, digits and "_", not starting with a digit' });
    else if (reserved) out.push({ path, message: `expected no ${name}: ${reserved}` });
    else valueIssues(value, path, isSecretName(name), out);
  }
  return out;
}
