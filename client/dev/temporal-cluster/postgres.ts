// Debian's PostgreSQL 15 for the production-shaped Temporal cluster: its own data directory
// (no system service, nothing in /etc), run as the unprivileged `postgres` user when started by
// root (PostgreSQL refuses root), listening on loopback only, kept running (started again when
// it dies). The Temporal services log in as `temporal` with a password made at each start and
// handed to them in their environment: no file holds it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, type ExecaError } from 'execa';
import { localTools } from '../../../lib/local-tools.js';
import { keepRunning, type KeptProcess } from '../kept-process.js';
import { startSupervised, waitUntilReady, type RunAs } from '../supervised-process.js';
import { tcpOpen } from '../tcp-open.js';

export const POSTGRES_BIN = process.env.KATONIC_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const TEMPORAL_SQL_USER = 'temporal';

export interface Postgres {
  /** 127.0.0.1:port */
  address: string;
  port: number;
  dataDir: string;
  /** The `temporal` login's password for this run (for the services' environment only). */
  password: string;
  server: KeptProcess;
  stop(): Promise<void>;
}

/** Why PostgreSQL cannot run here, or undefined. */
export function postgresUnavailable(): string | undefined {
  return existsSync(join(POSTGRES_BIN, 'postgres'))
    ? undefined
    : `no ${join(POSTGRES_BIN, 'postgres')} (scripts/setup.sh installs Debian's postgresql-15 as root)`;
}

async function postgresUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await execa('id', [flag, 'postgres'])).stdout);
  try {
    return { name: 'postgres', uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error("PostgreSQL cannot run as root and there is no 'postgres' user: install Debian's postgresql-15 (it makes the user)");
  }
}

/** A PostgreSQL program run as `user` (or as this process's user). */
function asUser(user: RunAs | undefined, program: string, args: string[], input?: string) {
  const file = join(POSTGRES_BIN, program);
  const run = user
    ? execa(localTools.setpriv() ?? 'setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', file, ...args], { input })
    : execa(file, args, { input });
  return run;
}

/**
 * The postgres user must pass through the directories above its own. The two closest (the
 * cluster's directory and the data directory holding it, 0700 as `kinstall dev` and the tests
 * make them) get passage for others (o+x: no listing, and the files in them keep their modes);
 * a directory further up that bars it is named.
 */
async function givePassage(dir: string, user: RunAs): Promise<void> {
  for (const d of [dirname(dir), dirname(dirname(dir))]) {
    const { mode, uid } = await stat(d);
    if (uid === process.getuid?.() && !(mode & 0o001)) await chmod(d, (mode & 0o7777) | 0o001);
  }
  const asPostgres = ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', 'test', '-x', dir];
  const reachable = await execa(localTools.setpriv() ?? 'setpriv', asPostgres, { reject: false });
  if (reachable.exitCode !== 0)
    throw new Error(`PostgreSQL runs as the ${user.name} user, who cannot reach ${dir}: give it passage (chmod o+x) on the directories above it`);
}

/**
 * Starts PostgreSQL with its files under `dir` (data/, socket/, postgres.log), making the data
 * directory on the first start and keeping it after (`kinstall dev` keeps its installs).
 */
export async function startPostgres(opts: { dir: string; port: number; onEvent?: (line: string) => void }): Promise<Postgres> {
  const user = await postgresUser();
  const superuser = user?.name ?? userInfo().username;
  const dataDir = join(opts.dir, 'data');
  const socketDir = join(opts.dir, 'socket');
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) {
    await Promise.all([opts.dir, dataDir, socketDir].map((d) => chown(d, user.uid, user.gid)));
    await givePassage(opts.dir, user);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // Local connections by the OS user of the same name; TCP by password (SCRAM).
    await asUser(user, 'initdb', ['-D', dataDir, '-U', superuser, '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions']).catch(
      (err: ExecaError) => {
        throw new Error(`initdb failed for ${dataDir}: ${String(err.stderr).trim().split('\n').at(-1)}`);
      },
    );
  }
  const logFile = join(opts.dir, 'postgres.log');
  const args = [
    '-D',
    dataDir,
    '-p',
    String(opts.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir}`,
    '-c',
    'max_connections=150',
  ];
  const startOnce = async () => {
    const proc = await startSupervised('PostgreSQL', join(POSTGRES_BIN, 'postgres'), args, { logFile, user });
    await waitUntilReady(proc, () => tcpOpen('127.0.0.1', opts.port), 60_000);
    return proc;
  };
  const server = await keepRunning('PostgreSQL', startOnce, opts.onEvent);
  const password = randomBytes(24).toString('base64url');
  // Over the socket as the superuser, the SQL on stdin: the password is in no argument list, and
  // no statement of this session is logged, even one that fails.
  const sql = `SET log_min_error_statement = panic;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEMPORAL_SQL_USER}') THEN CREATE ROLE ${TEMPORAL_SQL_USER} LOGIN CREATEDB; END IF; END $$;
ALTER ROLE ${TEMPORAL_SQL_USER} PASSWORD '${password}';
`;
  await asUser(user, 'psql', ['-h', socketDir, '-p', String(opts.port), '-U', superuser, '-d', 'postgres', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], sql);
  return { address: `127.0.0.1:${opts.port}`, port: opts.port, dataDir, password, server, stop: () => server.stop(30_000) };
}
