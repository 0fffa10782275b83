// The worker a webhook benchmark round runs beside the product: the real workflows (the
// cluster's entity answers the install's Update-with-Start by starting the install) and their
// local activities, no activity task, so the installs are started, not run. Connected by the
// TEMPORAL_* variables (client/connection-profile.ts), sealing with KATONIC_CODEC_KEYS. Run as
// a process of its own: `node entity-worker.js DATA_DIR`; it prints "running" when polling.
import { loadKeyRing } from '../../client/codec-keys.js';
import { connectWorker } from '../../client/commands/worker.js';
import { loadConnection } from '../../client/connection-profile.js';
import { taskQueue } from '../../lib/local-tools.js';
import { createInstallWorkers } from '../../worker/create-worker.js';

const [dataDir] = process.argv.slice(2) as [string];
const settings = loadConnection();
const worker = await createInstallWorkers({
  connection: await connectWorker(settings),
  namespace: settings.namespace,
  taskQueue: taskQueue(),
  dataDir,
  keyRing: await loadKeyRing(),
  localActivitiesOnly: true,
  ansibleSlots: 1,
});
console.log('running');
// The SDK shuts the worker down on SIGTERM; run() resolves when it has drained.
await worker.run();
