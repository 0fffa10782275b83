// status, list, watch: reading installs.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { FINAL_STATES, type InstallStatus } from '../../lib/install/status.js';
import { table } from '../../lib/format/table.js';
import { installStatus, listInstalls } from '../api/installs.js';
import { formatStatus } from '../status-table.js';

export async function statusCommand(client: Client, id: string, json: boolean): Promise<void> {
  const status = await installStatus(client, id);
  console.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
}

export async function listCommand(client: Client, json: boolean): Promise<void> {
  const rows = await listInstalls(client);
  if (json) return console.log(JSON.stringify(rows, null, 2));
  if (!rows.length) return console.log('No installs on this server.');
  const header = ['id', 'cluster', 'flow', 'state', 'phase', 'ticket'] as const;
  console.log(table([header.map((h) => h.toUpperCase()), ...rows.map((r) => header.map((h) => r[h]))]));
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
    const status = await installStatus(client, id);
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
