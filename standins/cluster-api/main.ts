// Runs the stand-in Kubernetes API server on its own:
//   node dist/standins/cluster-api/main.js --dir DIR [--port N] [--host H]
// Prints the URL; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startStandinCluster } from './server.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
if (!values.dir) {
  console.error('usage: main.js --dir DIR [--port N] [--host H]');
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

const cluster = await startStandinCluster({ dir: values.dir, port, host: values.host });
console.log(cluster.url);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cluster.close().then(() => process.exit(0));
  });
}
