// SSH connection sharing (ControlMaster) scoped to one playbook run: its sockets in a directory
// of the run's own, so a later run (another install, another key) never rides on this run's
// login, and its masters told to exit when the run ends, so no ssh outlives the phase.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export async function withSshControlDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  // Short: a socket path must fit in about 100 characters.
  const dir = await mkdtemp(join(tmpdir(), 'kinstall-ssh-'));
  try {
    return await use(dir);
  } finally {
    for (const socket of await readdir(dir).catch(() => [] as string[])) {
      await execa('ssh', ['-O', 'exit', '-o', `ControlPath=${join(dir, socket)}`, 'control-master'], { reject: false, stdin: 'ignore', timeout: 5000 });
    }
    await rm(dir, { recursive: true, force: true });
  }
}
