// The ansible-playbook command line of a phase run: an argument array (no shell), the
// project's callback plugin, and the settings every run gets. Also what tests run, so that
// they run Ansible exactly as the activities do.
import { join } from 'node:path';
import { localTools } from '../../lib/local-tools.js';

export interface PlaybookCommandRun {
  phaseDir: string;
  playbook: string;
  inventory: string;
  extraVarsFiles: string[];
  limit?: string[];
  check?: boolean;
  become?: boolean;
  privateKeyFile?: string;
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
  if (run.become) args.push('--become');
  if (run.privateKeyFile) args.push('--private-key', run.privateKeyFile);
  args.push(run.playbook);
  return args;
}

export function playbookCommand(run: PlaybookCommandRun): PlaybookCommand {
  const ansible = localTools.ansiblePlaybook();
  const setpriv = localTools.setpriv();
  // --pdeathsig: if the worker dies, the kernel sends ansible-playbook SIGTERM.
  const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', ansible, ...playbookArgs(run)]] : [ansible, playbookArgs(run)];
  return {
    file,
    args,
    env: {
      ANSIBLE_STDOUT_CALLBACK: 'katonic_events',
      ANSIBLE_CALLBACK_PLUGINS: localTools.callbackPlugins(),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      ANSIBLE_HOST_KEY_CHECKING: '0',
      // A missing or broken inventory is otherwise only a warning, and the run "succeeds" on no host.
      ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
      ANSIBLE_LOCAL_TEMP: join(run.phaseDir, 'tmp'),
      PYTHONUNBUFFERED: '1',
    },
  };
}
