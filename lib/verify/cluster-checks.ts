// What `verify` expects of a finished install, judged from what the Kubernetes API returned.
import { KATONIC_NAMESPACES, STORAGE_CLASSES } from '../katonic-platform.js';

export interface ObservedCluster {
  nodes: { name: string; ready: boolean }[];
  storageClasses: { name: string; volumeBindingMode?: string }[];
  namespaces: string[];
}

export interface ClusterExpectations {
  /** The spec's node names (on-prem); managed clusters only need one Ready node. */
  nodeNames?: string[];
}

export function clusterProblems(observed: ObservedCluster, expected: ClusterExpectations): string[] {
  const problems: string[] = [];
  const nodes = new Map(observed.nodes.map((n) => [n.name, n]));
  for (const name of expected.nodeNames ?? []) {
    const node = nodes.get(name);
    if (!node) problems.push(`node ${name} is not registered`);
    else if (!node.ready) problems.push(`node ${name} is not Ready`);
  }
  if (!observed.nodes.some((n) => n.ready)) problems.push('no node is Ready');
  const classes = new Map(observed.storageClasses.map((c) => [c.name, c]));
  if (!classes.has(STORAGE_CLASSES.rwo)) problems.push(`storage class ${STORAGE_CLASSES.rwo} is missing`);
  const rwx = classes.get(STORAGE_CLASSES.rwx);
  if (!rwx) problems.push(`storage class ${STORAGE_CLASSES.rwx} is missing`);
  else if (rwx.volumeBindingMode !== 'Immediate') problems.push(`storage class ${STORAGE_CLASSES.rwx} has volumeBindingMode ${rwx.volumeBindingMode ?? '(unset)'}, expected Immediate`);
  for (const ns of KATONIC_NAMESPACES) if (!observed.namespaces.includes(ns)) problems.push(`namespace ${ns} is missing`);
  return problems;
}
