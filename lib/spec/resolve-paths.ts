// Relative paths in a spec are relative to the spec file, the way a user reads them.
// They are made absolute before the spec is handed to the workflow, which may run anywhere.
import { isAbsolute, resolve } from 'node:path';
import type { Installation } from './schema.js';

const absolute = (baseDir: string, p: string): string => (isAbsolute(p) || p.startsWith('~') ? p : resolve(baseDir, p));
const absoluteRef = (baseDir: string, ref: string): string => (ref.startsWith('file:') ? `file:${absolute(baseDir, ref.slice(5))}` : ref);

export function resolveSpecPaths(spec: Installation, baseDir: string): Installation {
  const out = structuredClone(spec);
  out.spec.katonic.roleDir = absolute(baseDir, out.spec.katonic.roleDir);
  const { onprem, managed } = out.spec;
  if (onprem) {
    onprem.kubespray.dir = absolute(baseDir, onprem.kubespray.dir);
    if (onprem.ssh) onprem.ssh.privateKeyRef = absoluteRef(baseDir, onprem.ssh.privateKeyRef);
  }
  if (managed) managed.kubeconfigRef = absoluteRef(baseDir, managed.kubeconfigRef);
  return out;
}
