// Debian's nginx in the foreground for a test, its files under a directory of its own: the
// http block's servers are the caller's; started once it accepts connections on `ready`.
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';

export const NGINX = '/usr/sbin/nginx';

export interface Nginx {
  process: ResultPromise;
  stop(): Promise<void>;
}

const accepts = (ready: { host: string; port: number }) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(ready.port, ready.host, () => (socket.end(), resolve(true))).on('error', () => resolve(false));
  });

export async function startNginx(prefix: string, servers: string, ready: { host: string; port: number }): Promise<Nginx> {
  const tmp = join(prefix, 'tmp');
  await mkdir(tmp, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;
master_process off;
user root;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} info;
events {}
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
${servers}}
`,
  );
  const child = execa(NGINX, ['-p', prefix, '-c', conf], { reject: false, stdin: 'ignore', buffer: false, stdout: 'ignore', stderr: 'ignore' });
  for (let i = 0; !(await accepts(ready)); i++) {
    if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start (see ${join(prefix, 'error.log')})`);
    await sleep(100);
  }
  return {
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await child;
    },
  };
}
