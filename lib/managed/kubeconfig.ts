// A managed cluster's kubeconfig (what `aws eks update-kubeconfig` or `az aks get-credentials`
// wrote), made usable by a worker that reads it from a reference:
// - the context chosen (spec.managed.context, or its current-context) becomes the current one;
// - relative paths (CA, client certificate and key, token file, an exec plugin's command)
//   are made absolute against the kubeconfig's own directory, as kubectl reads them: the
//   worker uses the text from elsewhere (in memory, or a copy in the phase directory);
// - an exec credential plugin gets KUBERNETES_EXEC_INFO, which kubectl always sets and
//   @kubernetes/client-node 1.4 does not (`aws eks get-token` picks its output version by it).
// Errors never quote the kubeconfig: it holds credentials.
import { isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const named = (list: unknown, name: string): Raw | undefined => (Array.isArray(list) ? list.map(obj).find((e) => e?.name === name) : undefined);

export class KubeconfigProblem extends Error {}

export interface ExecPlugin {
  user: string;
  apiVersion: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface PreparedKubeconfig {
  text: string;
  context: string;
  /** The current user's exec credential plugin, if it has one. */
  exec?: ExecPlugin;
}

const PATH_FIELDS = { cluster: ['certificate-authority'], user: ['client-certificate', 'client-key', 'tokenFile'] };

function absolutize(entry: Raw | undefined, fields: string[], baseDir: string | undefined): void {
  if (!entry || !baseDir) return;
  for (const field of fields) {
    const value = entry[field];
    if (typeof value === 'string' && value && !isAbsolute(value)) entry[field] = join(baseDir, value);
  }
}

export function prepareKubeconfig(text: string, options: { baseDir?: string; context?: string }): PreparedKubeconfig {
  let doc: Raw | undefined;
  try {
    doc = obj(yaml.load(text));
  } catch (err) {
    throw new KubeconfigProblem(`is not YAML (line ${((err as { mark?: { line?: number } }).mark?.line ?? 0) + 1})`);
  }
  if (!doc || !Array.isArray(doc.contexts) || !Array.isArray(doc.clusters) || !Array.isArray(doc.users))
    throw new KubeconfigProblem('is not a kubeconfig (expected clusters, contexts and users)');
  const contextName = options.context ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined);
  if (!contextName) throw new KubeconfigProblem('has no current-context; name one in spec.managed.context');
  const context = obj(named(doc.contexts, contextName)?.context);
  if (!context) throw new KubeconfigProblem(`has no context "${contextName}"`);
  const cluster = obj(named(doc.clusters, String(context.cluster))?.cluster);
  const user = obj(named(doc.users, String(context.user))?.user);
  if (!cluster || typeof cluster.server !== 'string') throw new KubeconfigProblem(`has no cluster with a server for the context "${contextName}"`);
  if (!user) throw new KubeconfigProblem(`has no user for the context "${contextName}"`);
  doc['current-context'] = contextName;
  absolutize(cluster, PATH_FIELDS.cluster, options.baseDir);
  absolutize(user, PATH_FIELDS.user, options.baseDir);

  let exec: ExecPlugin | undefined;
  const execConfig = obj(user.exec);
  if (execConfig) {
    if (typeof execConfig.command !== 'string' || !execConfig.command)
      throw new KubeconfigProblem(`user "${String(context.user)}": the exec credential plugin has no command`);
    if (execConfig.interactiveMode === 'Always') {
      throw new KubeconfigProblem(
        `user "${String(context.user)}": the exec credential plugin wants an interactive login (interactiveMode Always), which a worker cannot give; use a non-interactive login (for kubelogin: -l azurecli, spn, msi or workloadidentity)`,
      );
    }
    // kubectl runs a command with a path separator relative to the kubeconfig's directory, other commands from PATH.
    let command = execConfig.command;
    if (options.baseDir && command.includes('/') && !isAbsolute(command)) command = join(options.baseDir, command);
    execConfig.command = command;
    const apiVersion = typeof execConfig.apiVersion === 'string' ? execConfig.apiVersion : 'client.authentication.k8s.io/v1beta1';
    const env = (Array.isArray(execConfig.env) ? execConfig.env.map(obj) : []).filter((e): e is Raw => Boolean(e) && e?.name !== 'KUBERNETES_EXEC_INFO');
    const execInfo = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
    execConfig.env = [...env, { name: 'KUBERNETES_EXEC_INFO', value: execInfo }];
    exec = {
      user: String(context.user),
      apiVersion,
      command,
      args: Array.isArray(execConfig.args) ? execConfig.args.map(String) : [],
      env: Object.fromEntries((execConfig.env as Raw[]).map((e) => [String(e.name), String(e.value ?? '')])),
    };
  }
  return { text: yaml.dump(doc, { noRefs: true, lineWidth: -1 }), context: contextName, exec };
}

/** What a plugin printed, checked as kubectl checks it: an ExecCredential with a token or a client certificate. */
export function execCredentialProblem(stdout: string, apiVersion: string): string | undefined {
  let credential: Raw | undefined;
  try {
    credential = obj(JSON.parse(stdout));
  } catch {
    return 'it did not print an ExecCredential as JSON';
  }
  if (credential?.kind !== 'ExecCredential') return 'it printed JSON that is not an ExecCredential';
  if (credential.apiVersion !== apiVersion) return `it printed an ExecCredential of ${String(credential.apiVersion)}, the kubeconfig asks for ${apiVersion}`;
  const status = obj(credential.status);
  if (!status?.token && !(status?.clientCertificateData && status.clientKeyData))
    return 'its ExecCredential has neither a token nor a client certificate and key';
  return undefined;
}
