#!/usr/bin/env node
// kinstall: the installer's command line. Exit 0 ok, 1 failure, 2 bad input.
// Only the offline verbs' modules load up front: the Temporal client and worker take a
// second or more to load, which validate and plan do not need.
import { Command, InvalidArgumentError } from 'commander';
import type { Client } from '@temporalio/client';
import { cliActor } from './cli-actor.js';
import { CliError, reportFailure } from './cli-error.js';
import { CODEC_SERVER_PORT, DEFAULT_UI_ORIGINS } from './codec-server-defaults.js';
import type { ConnectionFlags } from './connection-profile.js';
import { planCommand, validateCommand } from './commands/spec-commands.js';
import { loadSpec } from './load-spec.js';
import { readInputFile } from './read-input-file.js';
import type { Actor } from '../lib/install/actor.js';
import { InstallFilterError, parseInstallFilter, type InstallFilter } from '../lib/install/list-filter.js';
import { INSTALL_STATES } from '../lib/install/status.js';
import type { OperationRequest } from '../lib/cluster/cluster-entity.js';
import { validateClusterName, validateKatonicVersion, validateKubeVersion, validateNodeName } from '../lib/cluster/operation-input.js';
import { readRetryVars } from './retry-vars.js';
import { DEFAULT_WEBHOOK_CONFIG, WEBHOOK_PORT } from './webhooks/defaults.js';

type GlobalOptions = ConnectionFlags & { json?: boolean; debug?: boolean };

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port number from 1 to 65535');
  return port;
}

function nodeCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 20) throw new InvalidArgumentError('expected a whole number from 1 to 20');
  return n;
}

const TEMPORAL_KINDS = ['dev', 'cluster'] as const;
type TemporalKind = (typeof TEMPORAL_KINDS)[number];
function temporalKind(value: string): TemporalKind {
  const kind = TEMPORAL_KINDS.find((k) => k === value);
  if (!kind) throw new InvalidArgumentError(`expected ${TEMPORAL_KINDS.join(' or ')}`);
  return kind;
}

/** `kinstall list`'s filter, or exit 2 naming the flag and the form it expects. */
function installFilter(values: { cluster?: string; ticket?: string; state?: string }): InstallFilter {
  try {
    return parseInstallFilter(values);
  } catch (err) {
    if (err instanceof InstallFilterError) throw new CliError(err.message, 2);
    throw err;
  }
}

const program = new Command('kinstall')
  .description('A durable installer for the Katonic MLOps platform, on Temporal and Ansible')
  // The connection: a Temporal client configuration profile and TEMPORAL_* variables, these on top.
  .option('--address <host:port>', 'Temporal server (default: the profile, TEMPORAL_ADDRESS, or localhost:7233)')
  .option('--namespace <name>', 'Temporal namespace (default: the profile, TEMPORAL_NAMESPACE, or default)')
  .option('--profile <name>', 'profile of the Temporal client configuration (default: TEMPORAL_PROFILE, or default)')
  .option('--config-file <file>', 'Temporal client configuration, TOML (default: TEMPORAL_CONFIG_FILE, or ~/.config/temporalio/temporal.toml)')
  .option('--tls-ca-path <file>', "CA certificate that signed the server's certificate (turns TLS on)")
  .option('--tls-cert-path <file>', 'client certificate for mutual TLS (turns TLS on)')
  .option('--tls-key-path <file>', "the client certificate's private key")
  .option('--tls-server-name <name>', "server name the server's certificate is checked against")
  .option('--json', 'print data as JSON')
  .option('--debug', 'print the full trace of an unexpected failure')
  // Each verb's --help lists these too (--json, --address), as the synopses of the README and docs/ use them.
  .configureHelp({ showGlobalOptions: true })
  .showHelpAfterError()
  .exitOverride();

const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();
const withServer = async (cmd: Command, use: (client: Client, opts: GlobalOptions) => Promise<void>) =>
  (await import('./connection.js')).withClient(globals(cmd), (client) => use(client, globals(cmd)));
const inspect = () => import('./commands/inspect.js');
const operate = () => import('./commands/operate.js');

program
  .command('validate <file>')
  .description('check an install spec; every error with its path; exit 2 if any')
  .action((file: string, _o, cmd: Command) => validateCommand(file, Boolean(globals(cmd).json)));

program
  .command('plan <file>')
  .description('the phases that would run and the generated inventory; --out writes the files the playbooks get')
  .option('--out <dir>', 'write the inventory, group_vars and extra-vars files here')
  .option('--force', 'write into --out even if it is not empty and was not written by plan')
  .action((file: string, o: { out?: string; force?: boolean }, cmd: Command) => planCommand(file, o, Boolean(globals(cmd).json)));

program
  .command('start <file>')
  .description('start the install workflow (id install-<metadata.name>)')
  .option('--wait', 'follow it until it ends or waits for an operator')
  .option('--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)')
  .action(async (file: string, o: { wait?: boolean; as?: string }, cmd: Command) => {
    const spec = await loadSpec(file);
    const by = cliActor(o.as);
    const [{ installThroughCluster }, { watchInstall }, { formatStatus }] = await Promise.all([
      import('./api/clusters.js'),
      inspect(),
      import('./status-table.js'),
    ]);
    await withServer(cmd, async (client) => {
      const { id } = await installThroughCluster(client, spec, { by });
      console.log(id);
      if (!o.wait) return;
      const status = await watchInstall(client, id);
      console.log(`\n${formatStatus(status)}`);
      if (status.state !== 'completed') process.exitCode = 1;
    });
  });

program
  .command('status <id>')
  .description('phase table of an install')
  .action((id: string, _o, cmd: Command) => withServer(cmd, async (c, g) => (await inspect()).statusCommand(c, id, Boolean(g.json))));
program
  .command('list')
  .description('installs known to the server (by their search attributes)')
  .option('--cluster <name>', 'only the installs of this cluster')
  .option('--ticket <id>', 'only the installs started for this ticket')
  .option('--state <state>', `only the installs in this state: ${INSTALL_STATES.join(', ')}`)
  .action(async (o: { cluster?: string; ticket?: string; state?: string }, cmd: Command) => {
    // Bad input is refused before anything talks to the server.
    const filter = installFilter(o);
    await withServer(cmd, async (c, g) => (await inspect()).listCommand(c, Boolean(g.json), filter));
  });
program
  .command('watch <id>')
  .description('live progress until the install ends or waits for an operator')
  .action((id: string, _o, cmd: Command) => withServer(cmd, async (c) => (await inspect()).watchCommand(c, id)));

program
  .command('retry <id>')
  .description('run the failed phase again')
  .option('--failed-hosts', 'only on the hosts that failed or were unreachable (--limit)')
  .option('--vars <file>', 'with these extra vars changed (YAML or JSON mapping)')
  .option('--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)')
  .action(async (id: string, o: { failedHosts?: boolean; vars?: string; as?: string }, cmd: Command) => {
    // Bad input is refused before anything talks to the server.
    const vars = o.vars ? await readRetryVars(o.vars) : undefined;
    const by = cliActor(o.as);
    await withServer(cmd, async (c) => (await operate()).retryCommand(c, id, { failedHosts: o.failedHosts, vars, by }));
  });

program
  .command('resume <id>')
  .description('a new run of an ended install that skips the phases that finished')
  .option('--spec <file>', 'a changed spec (phases whose inputs changed run again)')
  .option('--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)')
  .action((id: string, o: { spec?: string; as?: string }, cmd: Command) =>
    withServer(cmd, async (c) => (await operate()).resumeCommand(c, id, { specFile: o.spec, by: cliActor(o.as) })),
  );

program
  .command('approve <id>')
  .description('pass the approval gate the install waits at; the workflow answers, or says why not')
  .option('--gate <name>', 'the gate you mean (refused if the install waits at another)')
  .option('--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)')
  .action((id: string, o: { gate?: string; as?: string }, cmd: Command) =>
    withServer(cmd, async (c) => (await operate()).approveCommand(c, id, { gate: o.gate, by: cliActor(o.as) })),
  );
program
  .command('cancel <id>')
  .description('cancel the install; its running Ansible is stopped')
  .option('--reason <text>', 'recorded in the status')
  .option('--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)')
  .action((id: string, o: { reason?: string; as?: string }, cmd: Command) =>
    withServer(cmd, async (c) => (await operate()).cancelCommand(c, id, { reason: o.reason, by: cliActor(o.as) })),
  );

// --- the cluster through its life (day 2) ----------------------------------------------------

const clusters = () => import('./commands/cluster-commands.js');
const clusterCommand = program.command('cluster').description("a cluster's entity: its list, status and history");
clusterCommand
  .command('list')
  .description('clusters known to the server, with their state and versions')
  .action((_o, cmd: Command) => withServer(cmd, async (c, g) => (await clusters()).clusterListCommand(c, Boolean(g.json))));
clusterCommand
  .command('show <name>')
  .description("the cluster's state, versions, nodes, running operation and last drift")
  .action((name: string, _o, cmd: Command) => withServer(cmd, async (c, g) => (await clusters()).clusterShowCommand(c, name, Boolean(g.json))));
clusterCommand
  .command('adopt <name>')
  .description("make a completed install (install-<name>, from before entities or outside one) its cluster entity's")
  .option('--as <user>', 'who asks, as recorded (default: your OS user)')
  .action((name: string, o: { as?: string }, cmd: Command) =>
    withServer(cmd, async (c, g) => (await clusters()).clusterAdoptCommand(c, name, cliActor(o.as), Boolean(g.json))),
  );
clusterCommand
  .command('history <name>')
  .description("the cluster's operations, oldest first, with who asked and how each ended")
  .action((name: string, _o, cmd: Command) => withServer(cmd, async (c, g) => (await clusters()).clusterHistoryCommand(c, name, Boolean(g.json))));

/** Sends an operation to the cluster's entity; the request is read (and a file checked) before anything talks to the server. */
const operation = async (
  cmd: Command,
  name: string,
  request: (by: Actor) => Promise<OperationRequest> | OperationRequest,
  o: { wait?: boolean; as?: string },
) => {
  refuseProblem(validateClusterName(name));
  const asked = await request(cliActor(o.as));
  return withServer(cmd, async (c, g) => (await clusters()).operateCommand(c, name, asked, { wait: o.wait, json: Boolean(g.json) }));
};
/** An argument the spec's rules refuse: its one line, exit 2, before anything talks to the server. */
const refuseProblem = (problem: string | undefined) => {
  if (problem) throw new CliError(problem, 2);
};
const WAIT = ['--wait', 'follow the operation until it ends or waits for an operator'] as const;
const AS = ['--as <user>', 'who asks, as recorded and as approvers are named (default: your OS user)'] as const;

program
  .command('scale <name>')
  .description('add worker nodes: preflight on them, facts.yml, scale.yml --limit them, storage, verify')
  .requiredOption('--add <file>', 'the new nodes: YAML "nodes: [...]" as in the spec')
  .option(...WAIT)
  .option(...AS)
  .action((name: string, o: { add: string; wait?: boolean; as?: string }, cmd: Command) =>
    operation(cmd, name, async (by) => ({ kind: 'scale', nodesFile: await readInputFile(o.add, '--add'), by }), o),
  );
program
  .command('remove-node <name> <node>')
  .description('drain the node (PodDisruptionBudgets respected), remove-node.yml, verify')
  .option(...WAIT)
  .option(...AS)
  .action((name: string, node: string, o: { wait?: boolean; as?: string }, cmd: Command) =>
    operation(cmd, name, (by) => (refuseProblem(validateNodeName(node)), { kind: 'remove-node', node, by }), o),
  );
program
  .command('upgrade <name>')
  .description('Kubernetes one minor at a time, one node at a time (--kube), or Katonic after an approval (--katonic)')
  .option('--kube <version>', 'the Kubernetes version to reach, e.g. 1.34.2')
  .option('--kubespray <dir...>', "more Kubespray checkouts for the hops the cluster's own does not install")
  .option('--katonic <version>', 'the Katonic version, e.g. 5.1')
  .option(...WAIT)
  .option(...AS)
  .action((name: string, o: { kube?: string; kubespray?: string[]; katonic?: string; wait?: boolean; as?: string }, cmd: Command) => {
    if (Boolean(o.kube) === Boolean(o.katonic)) throw new CliError('upgrade: expected exactly one of --kube VERSION or --katonic VERSION', 2);
    refuseProblem(o.kube ? validateKubeVersion(o.kube) : validateKatonicVersion(o.katonic));
    return operation(
      cmd,
      name,
      (by) => (o.kube ? { kind: 'upgrade-kube', version: o.kube, kubesprayDirs: o.kubespray, by } : { kind: 'upgrade-katonic', version: o.katonic!, by }),
      o,
    );
  });
program
  .command('reset <name>')
  .description('take the cluster down after an approval (Kubespray reset.yml; managed: the platform only)')
  .option(...WAIT)
  .option(...AS)
  .action((name: string, o: { wait?: boolean; as?: string }, cmd: Command) => operation(cmd, name, (by) => ({ kind: 'reset', by }), o));
program
  .command('drift <name>')
  .description('compare the live cluster with what its operations left; changes nothing')
  .option(...AS)
  .action((name: string, o: { as?: string }, cmd: Command) => operation(cmd, name, (by) => ({ kind: 'check-drift', by }), o));

program
  .command('worker')
  .description('run a worker')
  .action(async (_o, cmd: Command) => (await import('./commands/worker.js')).workerCommand(globals(cmd)));
program
  .command('dev')
  .description('the embedded default: dev server with Web UI, local Kubernetes control plane, worker')
  .option('--demo', 'and the demo install on inventories/local-demo/')
  .option('--no-worker', 'without a worker (run "kinstall worker" yourself)')
  .option('--ssh-nodes <n>', 'and N SSH test nodes, with a spec for them in <dataDir>/ssh-nodes/install.yaml', nodeCount)
  .option(
    '--temporal <kind>',
    'dev: the Temporal dev server (one process, sqlite); cluster: a production-shaped Temporal (frontend, history, matching and worker processes on PostgreSQL, mTLS; built by npm run setup)',
    temporalKind,
    'dev',
  )
  .action(async (o: { demo?: boolean; worker: boolean; sshNodes?: number; temporal: TemporalKind }, cmd: Command) =>
    (await import('./commands/dev.js')).devCommand({ ...globals(cmd), demo: Boolean(o.demo), worker: o.worker, sshNodes: o.sshNodes, temporal: o.temporal }),
  );

program
  .command('webhook')
  .description('the webhook server: Jira, ServiceNow and generic ticket events become install actions')
  .option('--config <file>', 'secrets (as references) and the rules from ticket events to actions and specs', DEFAULT_WEBHOOK_CONFIG)
  .option('--port <port>', 'port to listen on', portNumber, WEBHOOK_PORT)
  .option('--host <ip>', 'address to listen on', '127.0.0.1')
  .action(async (o: { config: string; port: number; host: string }, cmd: Command) =>
    (await import('./commands/webhook.js')).webhookCommand({ ...globals(cmd), ...o }),
  );

program
  .command('codec-server')
  .description('the payload codec over HTTP (/encode, /decode) for the Web UI and temporal --codec-endpoint')
  .option('--port <port>', 'port to listen on', portNumber, CODEC_SERVER_PORT)
  .option('--host <ip>', 'address to listen on', '127.0.0.1')
  .option('--ui-origin <url...>', 'origins of the Web UI pages allowed to call it', DEFAULT_UI_ORIGINS)
  .action(async (o: { port: number; host: string; uiOrigin: string[] }) =>
    (await import('./commands/codec-server.js')).codecServerCommand({ port: o.port, host: o.host, origins: o.uiOrigin }),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code?.startsWith('commander.')) {
    process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  } else {
    process.exitCode = await reportFailure(err, Boolean(program.opts<GlobalOptions>().debug));
  }
}
