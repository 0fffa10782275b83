// SSH test nodes for `kinstall dev --ssh-nodes N` and the tests: each node is a network
// namespace with its own address on a private bridge, its own host name, /etc/hosts and
// Ansible temp directory (a mount namespace with a small tmpfs), and its own sshd (Debian's)
// on port 22 with its own host key. A non-root user with passwordless sudo logs in with a key
// made for the set. Faults are real: a node's link cut, its sshd stopped, its disk full.
// Names carry the owner's pid, so a set whose owner died is swept away by the next one.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { startSupervised, waitUntilReady, type SupervisedProcess } from '../supervised-process.js';
import { tcpOpen } from '../tcp-open.js';

/** The node user: non-root, passwordless sudo, like the `ubuntu` of a cloud image. */
export const NODE_USER = 'katonic-node';
const SUDOERS_FILE = `/etc/sudoers.d/${NODE_USER}`;
const NODE_TMP_SIZE = '64m';
/** Per set, what sshd reads as the node user (the authorized keys). */
const PUBLIC_ROOT = '/run/katonic-ssh-nodes';

export interface SshNode {
  name: string;
  address: string;
  netns: string;
  /** The host side of its link: down is a cut cable. */
  hostLink: string;
  cutLink(): Promise<void>;
  restoreLink(): Promise<void>;
  stopSshd(): Promise<void>;
  startSshd(): Promise<void>;
  /** Fills its Ansible temp directory (a tmpfs of its own) to the last byte, or frees it. */
  fillDisk(): Promise<void>;
  freeDisk(): Promise<void>;
}

export interface SshNodes {
  user: string;
  /** The private key the spec names as `file:...`. */
  privateKeyFile: string;
  nodes: SshNode[];
  close(): Promise<void>;
}

export interface SshNodesOptions {
  count: number;
  /** Keys, sshd configs and logs. */
  dir: string;
  /** Node names; default node-1 ... node-N. */
  names?: string[];
}

const run = (file: string, args: string[]) => execa(file, args, { stdin: 'ignore' });

/** Why SSH test nodes cannot be made here, or undefined when they can. */
export async function sshNodesUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'SSH test nodes need root (network namespaces, a bridge, a node user)';
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/sudo', '/usr/sbin/ip', '/usr/bin/unshare']) {
    if (!existsSync(tool)) return `SSH test nodes need ${tool} (Debian packages openssh-server, sudo, iproute2, util-linux; scripts/setup.sh installs them)`;
  }
  const probe = `katonic-probe-${process.pid}`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'del', probe]);
  } catch (err) {
    return `network namespaces are not available here: ${(err as { stderr?: string }).stderr ?? String(err)}`;
  }
  return undefined;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Namespaces and bridges of sets whose owner process is gone (killed before it could clean up). */
async function sweepLeftovers(): Promise<void> {
  for (const name of await readdir('/run/netns').catch(() => [] as string[])) {
    const owner = /^katonic-(\d+)-\d+-\d+$/.exec(name)?.[1];
    if (owner && !alive(Number(owner))) await run('ip', ['netns', 'del', name]).catch(() => undefined);
  }
  for (const name of await readdir(PUBLIC_ROOT).catch(() => [] as string[])) {
    const owner = /^(\d+)-\d+$/.exec(name)?.[1];
    if (owner && !alive(Number(owner))) await rm(join(PUBLIC_ROOT, name), { recursive: true, force: true });
  }
  const links = (await run('ip', ['-o', 'link', 'show', 'type', 'bridge'])).stdout;
  for (const [, bridge, owner] of links.matchAll(/^\d+: (kbr(\d+)-\d+)[:@]/gm)) {
    if (!alive(Number(owner))) await run('ip', ['link', 'del', bridge!]).catch(() => undefined);
  }
}

async function ensureNodeUser(): Promise<string> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  if (!passwd.split('\n').some((line) => line.startsWith(`${NODE_USER}:`))) {
    await run('useradd', ['--create-home', '--shell', '/bin/bash', NODE_USER]);
    // No password at all (`*`), not a locked account (`!`): sshd refuses locked accounts even for keys.
    await run('usermod', ['--password', '*', NODE_USER]);
  }
  await mkdir('/etc/sudoers.d', { recursive: true });
  await writeFile(SUDOERS_FILE, `${NODE_USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  return (await run('getent', ['passwd', NODE_USER])).stdout.split(':')[5] ?? `/home/${NODE_USER}`;
}

let sets = 0;

export async function startSshNodes(opts: SshNodesOptions): Promise<SshNodes> {
  const why = await sshNodesUnavailable();
  if (why) throw new Error(why);
  await sweepLeftovers();
  const home = await ensureNodeUser();
  await mkdir(opts.dir, { recursive: true });
  const set = ++sets;
  const pid = process.pid;
  // A /24 of its own, from the owner's pid and the set's number.
  const net = `10.${100 + ((pid >> 8) % 100)}.${(pid + set * 37) % 256}`;
  const bridge = `kbr${pid}-${set}`;
  const privateKeyFile = join(opts.dir, 'id_ed25519');
  await rm(privateKeyFile, { force: true });
  await rm(`${privateKeyFile}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'katonic test nodes', '-f', privateKeyFile]);
  const made: (() => Promise<unknown>)[] = [];
  // sshd reads the authorized keys as the node user: a directory that user can read, not the
  // caller's (a test's directory is private).
  const publicDir = join(PUBLIC_ROOT, `${pid}-${set}`);
  await mkdir(publicDir, { recursive: true, mode: 0o755 });
  made.push(() => rm(publicDir, { recursive: true, force: true }));
  const authorizedKeys = join(publicDir, 'authorized_keys');
  await writeFile(authorizedKeys, await readFile(`${privateKeyFile}.pub`, 'utf8'), { mode: 0o644 });

  const cleanUp = async () => {
    for (const undo of made.reverse()) await undo().catch(() => undefined);
    made.length = 0;
  };
  try {
    await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    made.push(() => run('ip', ['link', 'del', bridge]));
    await run('ip', ['addr', 'add', `${net}.1/24`, 'dev', bridge]);
    await run('ip', ['link', 'set', bridge, 'up']);
    const nodes: SshNode[] = [];
    for (let i = 1; i <= opts.count; i++) {
      const node = await startNode({
        name: opts.names?.[i - 1] ?? `node-${i}`,
        index: i,
        net,
        bridge,
        dir: join(opts.dir, `node-${i}`),
        authorizedKeys,
        home,
        made,
      });
      nodes.push(node);
    }
    return { user: NODE_USER, privateKeyFile, nodes, close: cleanUp };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

interface NodePlan {
  name: string;
  index: number;
  net: string;
  bridge: string;
  dir: string;
  authorizedKeys: string;
  home: string;
  made: (() => Promise<unknown>)[];
}

// Runs inside the node's namespaces: its host name, its /etc/hosts, a tmpfs of its own for
// Ansible's temp directory, then sshd in the foreground. Arguments are positional, never spliced.
const NODE_INIT = [
  'set -e',
  'hostname "$1"',
  'mount --bind "$2" /etc/hosts',
  'mkdir -p "$3"',
  `mount -t tmpfs -o size=${NODE_TMP_SIZE},mode=0700 tmpfs "$3"`,
  'chown "$4" "$3"',
  'exec /usr/sbin/sshd -D -e -f "$5"',
].join('\n');

async function startNode(plan: NodePlan): Promise<SshNode> {
  const { name, index, net, bridge, dir, made } = plan;
  const address = `${net}.${10 + index}`;
  const netns = `katonic-${process.pid}-${bridge.split('-')[1]}-${index}`;
  const hostLink = `${bridge.replace('kbr', 'kv')}-${index}`;
  await mkdir(dir, { recursive: true });
  await run('ip', ['netns', 'add', netns]);
  made.push(() => run('ip', ['netns', 'del', netns]));
  await run('ip', ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  await run('ip', ['link', 'set', hostLink, 'master', bridge, 'up']);
  await run('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
  await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', netns, 'route', 'add', 'default', 'via', `${net}.1`]);

  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await rm(hostKey, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const hosts = join(dir, 'hosts');
  await writeFile(hosts, `127.0.0.1 localhost\n${address} ${name}\n`);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      'Port 22',
      `ListenAddress ${address}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${plan.authorizedKeys}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The keys live in a directory of the test's, not in the user's home.
      'StrictModes no',
      `AllowUsers ${NODE_USER}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true });
  const ansibleTmp = join(plan.home, '.ansible');

  let sshd: SupervisedProcess | undefined;
  const startSshd = async () => {
    sshd = await startSupervised(
      `sshd of ${name}`,
      '/usr/sbin/ip',
      [
        'netns',
        'exec',
        netns,
        'unshare',
        '--uts',
        '--mount',
        '--propagation',
        'private',
        '/bin/sh',
        '-c',
        NODE_INIT,
        'node-init',
        name,
        hosts,
        ansibleTmp,
        NODE_USER,
        config,
      ],
      {
        logFile: join(dir, 'sshd.log'),
      },
    );
    await waitUntilReady(sshd, () => tcpOpen(address, 22), 15_000);
  };
  // Every process of the node goes: sshd and the sessions it forked (they run in sessions of
  // their own, out of its process group), as when the service stops on a real host.
  const stopSshd = async () => {
    const pids = (await run('ip', ['netns', 'pids', netns])).stdout.split('\n').filter(Boolean);
    await run('kill', ['-TERM', ...pids]).catch(() => undefined);
    await sshd?.stop(3000);
    sshd = undefined;
  };
  const inNode = (command: string[]) => run('nsenter', ['--target', String(sshd?.process.pid), '--mount', '--', ...command]);
  await startSshd();
  made.push(stopSshd);
  return {
    name,
    address,
    netns,
    hostLink,
    cutLink: () => run('ip', ['link', 'set', hostLink, 'down']).then(() => undefined),
    restoreLink: () => run('ip', ['link', 'set', hostLink, 'up']).then(() => undefined),
    stopSshd,
    startSshd,
    fillDisk: () => inNode(['sh', '-c', 'dd if=/dev/zero of="$1/fill" bs=1M 2>/dev/null || true', 'fill', ansibleTmp]).then(() => undefined),
    freeDisk: () => inNode(['rm', '-f', join(ansibleTmp, 'fill')]).then(() => undefined),
  };
}
