// The Temporal CLI (.venv/bin/temporal) as an operator runs it against a harness's server
// (its env's TEMPORAL_ADDRESS).
import { execa } from 'execa';
import { localTools } from '../../lib/local-tools.js';

export async function temporalCli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const r = await execa(localTools.temporal(), args, { env, reject: false });
  if (r.exitCode !== 0) throw new Error(`temporal ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** `temporal workflow describe`'s status of the latest run, e.g. WORKFLOW_EXECUTION_STATUS_CANCELED. */
export async function describedStatus(env: Record<string, string>, workflowId: string): Promise<string> {
  const out = JSON.parse(await temporalCli(env, 'workflow', 'describe', '--workflow-id', workflowId, '--output', 'json')) as {
    workflowExecutionInfo?: { status?: string };
  };
  return out.workflowExecutionInfo?.status ?? '';
}
