// What `kinstall watch` shows. On a terminal: the install redrawn in place, a row per phase with
// a bar of its tasks, the running task, what a wait is for, and the state with the ETA. Piped:
// one line per change. Pure: a status, the time and the width in, text out.
import { localClock, localEtaText, two } from './eta-text.js';
import { FINAL_STATES, type InstallStatus, type PhaseStatus } from '../install/status.js';
import { formatDuration } from './duration.js';

export const BAR_DONE = '█';
export const BAR_LEFT = '░';
/** The moving mark of a running phase whose number of tasks is not known yet. */
export const BAR_UNKNOWN = '▒';

const NAME_MAX = 28;
const STATE_WIDTH = 'completed'.length;
const BAR_MAX = 40;
/** Narrower than this, the rows go without their bars. */
const BAR_MIN = 5;
const MARK_WIDTH = 3;

/** Cut to `width` characters, with an ellipsis where cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** Words filled into lines of at most `width` (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => truncate(l, width));
}

const hostsText = (p: PhaseStatus) => (p.hosts ? `hosts ok ${p.hosts.ok + p.hosts.changed}, failed ${p.hosts.failed + p.hosts.unreachable}` : undefined);

/** The phase's tasks done, and known (from its playbook's task list) when they are. */
function taskCount(p: PhaseStatus): { done: number; known?: number } | undefined {
  const done = p.tasksDone ?? (p.state === 'completed' ? p.tasksKnown : undefined);
  if (p.tasksKnown !== undefined) return { done: done ?? 0, known: p.tasksKnown };
  return done === undefined ? undefined : { done };
}

/** "3/14" when the phase's tasks are known, "3 tasks" when only those done are. */
function tasksText(p: PhaseStatus): string | undefined {
  const count = taskCount(p);
  if (!count) return undefined;
  return count.known === undefined ? `${count.done} task${count.done === 1 ? '' : 's'}` : `${count.done}/${count.known}`;
}

/** Seconds the phase has run: its runs (a retry's wait for the operator is not running), or its start to its end or now. */
function runningSeconds(p: PhaseStatus, now: Date): number | undefined {
  if (p.state === 'pending') return undefined;
  const runs = p.runs?.length ? p.runs : p.startedAt ? [{ startedAt: p.startedAt, endedAt: p.endedAt }] : [];
  if (!runs.length) return undefined;
  const ms = runs.reduce((sum, r) => sum + (r.endedAt ? Date.parse(r.endedAt) : now.getTime()) - Date.parse(r.startedAt), 0);
  return Math.max(0, Math.round(ms / 1000));
}

function bar(p: PhaseStatus, width: number, now: Date): string {
  if (p.state === 'completed' || p.state === 'skipped') return BAR_DONE.repeat(width);
  if (p.tasksKnown && p.tasksDone !== undefined) {
    const done = Math.min(width, Math.round((width * p.tasksDone) / p.tasksKnown));
    return BAR_DONE.repeat(done) + BAR_LEFT.repeat(width - done);
  }
  const cells = Array.from({ length: width }, () => BAR_LEFT);
  // Running, size unknown: a mark that moves a cell a second, so the row shows it is alive.
  if (p.state === 'running') for (let i = 0; i < MARK_WIDTH; i++) cells[(Math.floor(now.getTime() / 1000) + i) % width] = BAR_UNKNOWN;
  return cells.join('');
}

/** What the install waits for, said at the phase it waits at. */
function waitText(status: InstallStatus): string | undefined {
  if (!status.waitingFor) return undefined;
  if (status.state !== 'waiting-for-approval') return `waits for ${status.waitingFor}`;
  const approvers = status.gates?.find((g) => g.gate === status.waitingFor)?.approvers;
  return `waits for approval at gate ${status.waitingFor}${approvers ? ` (approvers ${approvers.join(', ')})` : ''}: kinstall approve ${status.id}`;
}

function footer(status: InstallStatus, now: Date): string[] {
  const ended = FINAL_STATES.includes(status.state);
  const took = ended ? status.durationSeconds : status.startedAt ? Math.round((now.getTime() - Date.parse(status.startedAt)) / 1000) : undefined;
  const time = took === undefined ? undefined : ended ? `took ${formatDuration(took)}` : `${formatDuration(Math.max(0, took))} so far`;
  const lines = [time ? `${status.state} · ${time}` : status.state];
  if (status.eta) lines.push(localEtaText(status.eta, now));
  if (status.error && ended) lines.push(`error in ${status.error.phase ?? 'the install'}: ${status.error.type}: ${status.error.message}`);
  if (status.source === 'server' && !ended) lines.push('no worker answered: live progress (task, host counts) is unavailable');
  return lines;
}

/** The terminal view of an install at `now`, at most `width` columns wide. */
export function progressView(status: InstallStatus, now: Date, width: number): string[] {
  const names = status.phases.map((p) => truncate(p.name, NAME_MAX));
  const nameWidth = Math.max(0, ...names.map((n) => n.length));
  const counts = status.phases.map((p) => tasksText(p) ?? '');
  const times = status.phases.map((p) => {
    const seconds = runningSeconds(p, now);
    return seconds === undefined ? '' : formatDuration(seconds);
  });
  const countWidth = Math.max(0, ...counts.map((c) => c.length));
  const timeWidth = Math.max(0, ...times.map((t) => t.length));
  // name, state, [bar], count, time: the bar takes what the others leave.
  const barWidth = Math.min(BAR_MAX, width - (nameWidth + 1 + STATE_WIDTH + 1 + 2 + 1 + countWidth + 1 + timeWidth));
  const wait = waitText(status);
  const lines = [`${status.id}  cluster ${status.cluster}  ${status.operation ?? `flow ${status.flow}`}`, ''];
  status.phases.forEach((p, i) => {
    const cells = [names[i]!.padEnd(nameWidth), p.state.padEnd(STATE_WIDTH)];
    if (barWidth >= BAR_MIN) cells.push(`[${bar(p, barWidth, now)}]`);
    cells.push(counts[i]!.padStart(countWidth), times[i]!.padStart(timeWidth));
    lines.push(cells.join(' ').trimEnd());
    if (p.state === 'running') {
      const detail = [p.attempts > 1 ? `attempt ${p.attempts}` : undefined, hostsText(p), p.task].filter(Boolean).join(' · ');
      if (detail) lines.push(`  ${detail}`);
    }
    if (wait && p.name === status.phase) lines.push(...wrap(wait, width - 2).map((l) => `  ${l}`));
  });
  lines.push('', ...footer(status, now));
  return lines.map((l) => truncate(l, width));
}

/** The progress of a piped `watch` line, without its time or ETA: a new line is printed when this changes. */
export function progressLine(s: InstallStatus): string {
  const phase = s.phases.find((p) => p.name === s.phase);
  const parts = [s.phase ? `${s.state} · ${s.phase} (attempt ${phase?.attempts ?? 0})` : s.state];
  const count = phase?.state === 'running' ? taskCount(phase) : undefined;
  if (count) parts.push(`tasks ${count.done}${count.known === undefined ? '' : `/${count.known}`}`);
  if (phase?.task) parts.push(phase.task);
  const hosts = phase && hostsText(phase);
  if (hosts) parts.push(hosts);
  return parts.join(' · ');
}

/** A piped `watch` line: the local time, the progress, and the ETA when there is one. */
export const pipedLine = (status: InstallStatus, now: Date): string =>
  `${localClock(now)}:${two(now.getSeconds())} ${progressLine(status)}${status.eta ? ` · ${localEtaText(status.eta, now)}` : ''}`;
