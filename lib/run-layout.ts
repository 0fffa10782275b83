// Where an install keeps its files on the worker: one run directory per install,
// `<dataDir>/runs/<metadata.name>/`, one sub-directory per phase.
import { join } from 'node:path';

export interface RunLayout {
  dataDir: string;
  runDir: string;
  journal: string;
  inventoryDir: string;
  hostsFile: string;
  localhostInventory: string;
  katonicVarsFile: string;
  /** The mesh facts the katonic phase reads from the cluster right before the role runs (not in the inventory: they are the cluster's, not the spec's). */
  meshVarsFile(phase: string): string;
  artifactsDir: string;
  adminConf: string;
  /** The nodes' SSH host keys as this install first saw them. */
  knownHosts: string;
  phaseDir(phase: string): string;
  extraVarsFile(phase: string): string;
  /** The phase's secret variables, resolved: a 0600 file that exists only while Ansible runs. */
  secretVarsFile(phase: string): string;
}

export function runLayout(dataDir: string, name: string): RunLayout {
  const runDir = join(dataDir, 'runs', name);
  const inventoryDir = join(runDir, 'inventory');
  const artifactsDir = join(runDir, 'artifacts');
  return {
    dataDir,
    runDir,
    journal: join(runDir, 'journal.log'),
    inventoryDir,
    hostsFile: join(inventoryDir, 'hosts.yaml'),
    localhostInventory: join(inventoryDir, 'localhost.yaml'),
    katonicVarsFile: join(inventoryDir, 'katonic-vars.yml'),
    meshVarsFile: (phase) => join(runDir, phase, 'mesh-vars.yml'),
    artifactsDir,
    adminConf: join(artifactsDir, 'admin.conf'),
    knownHosts: join(runDir, 'known_hosts'),
    phaseDir: (phase) => join(runDir, phase),
    extraVarsFile: (phase) => join(runDir, phase, 'extra-vars.yml'),
    secretVarsFile: (phase) => join(runDir, phase, 'secret-vars.yml'),
  };
}
