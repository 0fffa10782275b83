// Secret references in variables (`spec.extraVars`, `retry --vars`): every string under a
// secret-named key is a reference, resolved only on the worker, at run time, into a private
// file for that run. Variables that hold one stay out of the extra-vars file the run keeps.
import { isSecretName } from './secret-names.js';

/** `env:NAME` (the worker's environment) or `file:PATH` (a file on the worker; no control characters). */
// eslint-disable-next-line no-control-regex
export const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:[^\u0000-\u001f\u007f]+)$/;
export const isSecretRef = (value: unknown): value is string => typeof value === 'string' && SECRET_REF.test(value);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a variable holds a secret: its name says so, or a name inside its value does. */
function holdsSecret(name: string, value: unknown): boolean {
  if (isSecretName(name)) return true;
  if (Array.isArray(value)) return value.some((item) => holdsSecret('', item));
  if (isRecord(value)) return Object.entries(value).some(([k, v]) => holdsSecret(k, v));
  return false;
}

/** The variables split: those that hold a secret reference, and the plain rest. */
export function splitSecretVars(vars: Record<string, unknown>): { plain: Record<string, unknown>; secret: Record<string, unknown> } {
  const plain: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars)) (holdsSecret(name, value) ? secret : plain)[name] = value;
  return { plain, secret };
}

/** `value` with each reference under a secret-named key replaced by `replace(ref)`. */
export function mapSecretRefs(value: unknown, replace: (ref: string) => string, underSecret = false): unknown {
  if (underSecret && isSecretRef(value)) return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapSecretRefs(item, replace, underSecret));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecretRefs(v, replace, underSecret || isSecretName(k))]));
  return value;
}

/** Every reference under a secret-named key in `vars`. */
export function secretRefsIn(vars: Record<string, unknown>): string[] {
  const refs = new Set<string>();
  mapSecretRefs(vars, (ref) => (refs.add(ref), ref));
  return [...refs];
}
