// The ansible-playbook command line of a phase run: an argument array (no shell), the
// project's callback plugin, SSH as an operator wants it, and the settings every run gets.
// Also what tests run, so that they run Ansible exactly as the activities do.
import { join } from 'node:path';
import { localTools, sshTimeoutSeconds } from '../../lib/local-tools.js';

export interface SshAccess {
  /** The private key, written for this run only. */
  privateKeyFile: string;
  /** The spec's reference to it, for messages (never the key). */
  keyRef: string;
  /** Host keys seen by this install: new hosts are added, a changed key is refused. */
  knownHosts: string;
  /** This run's own directory for shared connections' sockets. */
  controlDir: string;
}

export interface PlaybookCommandRun {
  phaseDir: string;
  playbook: string;
  inventory: string;
  extraVarsFiles: string[];
  limit?: string[];
  check?: boolean;
  /** Over SSH, with become: the key for this run, the install's own known hosts. */
  ssh?: SshAccess;
  /** More environment for ansible-playbook itself (seen by lookups as well as modules). */
  env?: Record<string, string>;
}

export interface PlaybookCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

function playbookArgs(run: PlaybookCommandRun): string[] {
  const args = ['-i', run.inventory];
  for (const file of run.extraVarsFiles) args.push('-e', `@${file}`);
  if (run.limit?.length) args.push('--limit', run.limit.join(','));
  if (run.check) args.push('--check');
  if (run.ssh) args.push('--become', '--private-key', run.ssh.privateKeyFile);
  args.push(run.playbook);
  return args;
}

/**
 * SSH as an operator wants it, whatever ansible.cfg the playbook's directory has (Kubespray's
 * turns host key checking off): host keys checked against the install's own known_hosts,
 * trusted on first use (`accept-new`) and refused when they change; a dead link noticed within
 * seconds (server alive probes), not after TCP gives up: the worker's SSH timeout (10 s unless
 * KATONIC_SSH_TIMEOUT says otherwise; the fault tests shorten it).
 */
function sshEnvironment(ssh: SshAccess | undefined): Record<string, string> {
  if (!ssh) return { ANSIBLE_HOST_KEY_CHECKING: 'False' };
  const timeout = sshTimeoutSeconds();
  const options = [
    'ControlMaster=auto',
    'ControlPersist=15s',
    'StrictHostKeyChecking=accept-new',
    `UserKnownHostsFile=${ssh.knownHosts}`,
    `ServerAliveInterval=${Math.ceil(timeout / 2)}`,
    'ServerAliveCountMax=2',
    `ConnectTimeout=${timeout}`,
  ];
  return {
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: options.map((o) => `-o ${o}`).join(' '),
    ANSIBLE_SSH_CONTROL_PATH_DIR: ssh.controlDir,
    ANSIBLE_TIMEOUT: String(timeout),
  };
}

export function playbookCommand(run: PlaybookCommandRun): PlaybookCommand {
  const ansible = localTools.ansiblePlaybook();
  const setpriv = localTools.setpriv();
  // --pdeathsig: if the worker dies, the kernel interrupts ansible-playbook. SIGINT, not SIGTERM:
  // on an interrupt Ansible stops its own forks, also one stuck on an unreachable host.
  const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'SIGINT', '--', ansible, ...playbookArgs(run)]] : [ansible, playbookArgs(run)];
  return {
    file,
    args,
    env: {
      ANSIBLE_STDOUT_CALLBACK: 'katonic_events',
      ANSIBLE_CALLBACK_PLUGINS: localTools.callbackPlugins(),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      ...sshEnvironment(run.ssh),
      // A missing or broken inventory is otherwise only a warning, and the run "succeeds" on no host.
      ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
      ANSIBLE_LOCAL_TEMP: join(run.phaseDir, 'tmp'),
      PYTHONUNBUFFERED: '1',
      ...run.env,
    },
  };
}
