// Relative paths in a spec are relative to the spec file, the way a user reads them.
// They are made absolute before the spec is handed to the workflow, which may run anywhere.
import { isAbsolute, resolve } from 'node:path';
import { mapSecretRefs } from '../vars/secret-refs.js';
import type { Installation } from './schema.js';

const absolute = (baseDir: string, p: string): string => (isAbsolute(p) || p.startsWith('~') ? p : resolve(baseDir, p));

/** A `file:` reference made absolute against `baseDir`; an `env:` one as it is. */
export const absoluteRef = (baseDir: string, ref: string): string => (ref.startsWith('file:') ? `file:${absolute(baseDir, ref.slice(5))}` : ref);

/** Variables (extraVars, retry --vars) with their `file:` references made absolute. */
export const absoluteVarRefs = (baseDir: string, vars: Record<string, unknown>): Record<string, unknown> =>
  mapSecretRefs(vars, (ref) => absoluteRef(baseDir, ref)) as Record<string, unknown>;

export function resolveSpecPaths(spec: Installation, baseDir: string): Installation {
  const out = structuredClone(spec);
  out.spec.katonic.roleDir = absolute(baseDir, out.spec.katonic.roleDir);
  const { onprem, managed, extraVars } = out.spec;
  if (onprem) {
    onprem.kubespray.dir = absolute(baseDir, onprem.kubespray.dir);
    if (onprem.ssh) onprem.ssh.privateKeyRef = absoluteRef(baseDir, onprem.ssh.privateKeyRef);
  }
  if (managed) managed.kubeconfigRef = absoluteRef(baseDir, managed.kubeconfigRef);
  if (extraVars) out.spec.extraVars = absoluteVarRefs(baseDir, extraVars);
  const { notify } = out.spec;
  if (notify?.jira) notify.jira.tokenRef = absoluteRef(baseDir, notify.jira.tokenRef);
  if (notify?.servicenow) notify.servicenow.passwordRef = absoluteRef(baseDir, notify.servicenow.passwordRef);
  return out;
}
