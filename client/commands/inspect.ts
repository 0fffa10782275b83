// status, list, watch: reading installs.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { CodecError } from '../../lib/codec/aes-gcm-codec.js';
import { FINAL_STATES, type InstallStatus } from '../../lib/install/status.js';
import { INSTALL_WORKFLOW, SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';
import { fetchStatus } from '../install-status.js';
import { table } from '../../lib/format/table.js';
import { formatStatus } from '../status-table.js';

export async function statusCommand(client: Client, id: string, json: boolean): Promise<void> {
  const status = await fetchStatus(client, id);
  console.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
}

/** A codec for listing: a memo sealed with a key this client lacks reads as empty, instead of ending the list. */
const lenient = (codec: PayloadCodec): PayloadCodec => ({
  encode: (payloads) => codec.encode(payloads),
  decode: (payloads) =>
    Promise.all(
      payloads.map((p) =>
        codec.decode([p]).then(
          ([decoded]) => decoded as Payload,
          (err: unknown) => {
            if (err instanceof CodecError) return defaultPayloadConverter.toPayload(null)!;
            throw err;
          },
        ),
      ),
    ),
});

export async function listCommand(client: Client, json: boolean): Promise<void> {
  const loaded = client.options.loadedDataConverter;
  const lister = new Client({ connection: client.connection, namespace: client.options.namespace, dataConverter: { ...loaded, payloadCodecs: loaded.payloadCodecs.map(lenient) } });
  const rows: Record<string, string>[] = [];
  for await (const wf of lister.workflow.list({ query: `WorkflowType = '${INSTALL_WORKFLOW}'` })) {
    const attr = (key: (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES]) => String(wf.typedSearchAttributes.get(key) ?? '');
    // The search attributes, else the status the install published (a server without the attributes, a Web UI start).
    const memo = (await wf.memo) as { flow?: string; status?: Partial<InstallStatus> } | undefined;
    const published = memo?.status;
    rows.push({
      id: wf.workflowId,
      cluster: attr(SEARCH_ATTRIBUTES.cluster) || (published?.cluster ?? ''),
      flow: memo?.flow ?? published?.flow ?? '',
      state: attr(SEARCH_ATTRIBUTES.state) || published?.state || wf.status.name.toLowerCase(),
      phase: attr(SEARCH_ATTRIBUTES.phase) || (published?.phase ?? ''),
      ticket: attr(SEARCH_ATTRIBUTES.ticket) || (published?.ticket ?? ''),
    });
  }
  if (json) return console.log(JSON.stringify(rows, null, 2));
  if (!rows.length) return console.log('No installs on this server.');
  const header = ['id', 'cluster', 'flow', 'state', 'phase', 'ticket'];
  console.log(table([header.map((h) => h.toUpperCase()), ...rows.map((r) => header.map((h) => r[h] ?? ''))]));
}

/** One progress line, without its time (so unchanged progress is not printed again). */
const progressLine = (s: InstallStatus) => {
  const phase = s.phases.find((p) => p.name === s.phase);
  const task = phase?.task ? ` · ${phase.task}` : '';
  const hosts = phase?.hosts ? ` · hosts ok ${phase.hosts.ok + phase.hosts.changed}, failed ${phase.hosts.failed + phase.hosts.unreachable}` : '';
  return `${s.state}${s.phase ? ` · ${s.phase} (attempt ${phase?.attempts ?? 0})` : ''}${task}${hosts}`;
};

/** Prints progress as it changes until the install ends or waits for someone; returns the last status. */
export async function watchInstall(client: Client, id: string, print: (text: string) => void = console.log): Promise<InstallStatus> {
  let last = '';
  for (;;) {
    const status = await fetchStatus(client, id);
    const text = progressLine(status);
    if (text !== last) print(`${new Date().toISOString().slice(11, 19)} ${text}`);
    last = text;
    if (FINAL_STATES.includes(status.state) || status.state.startsWith('waiting-for')) return status;
    await sleep(1000);
  }
}

export async function watchCommand(client: Client, id: string): Promise<void> {
  const status = await watchInstall(client, id);
  console.log(`\n${formatStatus(status)}`);
  if (status.state !== 'completed') process.exitCode = 1;
}
