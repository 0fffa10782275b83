// status, list, watch: reading installs.
import type { InstallFilter } from '../../lib/install/list-filter.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { FINAL_STATES, type InstallStatus } from '../../lib/install/status.js';
import { progressLine, progressView, pipedLine } from '../../lib/format/progress-view.js';
import { localClock } from '../../lib/format/eta-text.js';
import { table } from '../../lib/format/table.js';
import { installStatus, listInstalls, type InstallRow } from '../api/installs.js';
import { formatStatus } from '../status-table.js';
import { TerminalFrame } from '../terminal-frame.js';

/** A terminal that does not say its width (a pseudo-terminal nobody sized). */
const DEFAULT_COLUMNS = 80;

export async function statusCommand(client: Client, id: string, json: boolean): Promise<void> {
  const status = await installStatus(client, id);
  console.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
}

export async function listCommand(client: Client, json: boolean, filter: InstallFilter = {}): Promise<void> {
  const rows = await listInstalls(client, filter);
  if (json) return console.log(JSON.stringify(rows, null, 2));
  if (!rows.length) return console.log(Object.keys(filter).length ? 'No installs on this server match.' : 'No installs on this server.');
  const header = ['id', 'cluster', 'flow', 'state', 'phase', 'ticket', 'eta'] as const;
  const cell = (r: InstallRow, h: (typeof header)[number]) => (h === 'eta' && r.eta ? localClock(new Date(r.eta)) : r[h]);
  console.log(table([header.map((h) => h.toUpperCase()), ...rows.map((r) => header.map((h) => cell(r, h)))]));
}

type Show = (status: InstallStatus, now: Date) => void;

/** Piped: a line when the progress changes (not when only the time or the ETA does). */
function linePrinter(print: (text: string) => void): Show {
  let last = '';
  return (status, now) => {
    const progress = progressLine(status);
    if (progress !== last) print(pipedLine(status, now));
    last = progress;
  };
}

/** On a terminal: the whole view, redrawn in place at each poll. */
function liveView(out: NodeJS.WriteStream): Show {
  const frame = new TerminalFrame(out);
  return (status, now) => frame.draw(progressView(status, now, out.columns || DEFAULT_COLUMNS));
}

/**
 * Follows an install until it ends or waits for someone; returns the last status. With `print`,
 * or when stdout is not a terminal, progress comes as lines; otherwise as the live view.
 */
export async function watchInstall(client: Client, id: string, print?: (text: string) => void): Promise<InstallStatus> {
  const show = print || !process.stdout.isTTY ? linePrinter(print ?? console.log) : liveView(process.stdout);
  for (;;) {
    const status = await installStatus(client, id);
    show(status, new Date());
    if (FINAL_STATES.includes(status.state) || status.state.startsWith('waiting-for')) return status;
    await sleep(1000);
  }
}

export async function watchCommand(client: Client, id: string): Promise<void> {
  const status = await watchInstall(client, id);
  console.log(`\n${formatStatus(status)}`);
  if (status.state !== 'completed') process.exitCode = 1;
}
