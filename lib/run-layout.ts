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
  artifactsDir: string;
  adminConf: string;
  /** The nodes' SSH host keys as this install first saw them. */
  knownHosts: string;
  phaseDir(phase: string): string;
  extraVarsFile(phase: string): string;
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
    katonicVarsFile: join(inventoryDir, 'katonic-vars.json'),
    artifactsDir,
    adminConf: join(artifactsDir, 'admin.conf'),
    knownHosts: join(runDir, 'known_hosts'),
    phaseDir: (phase) => join(runDir, phase),
    extraVarsFile: (phase) => join(runDir, phase, 'extra-vars.json'),
  };
}
