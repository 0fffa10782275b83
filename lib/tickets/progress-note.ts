// What an install says on its ticket, as plain structured text: that it started, that a phase
// finished, that it waits for an operator (the failing task, the hosts, and the commands that
// apply to that phase), that it ended. Rendered as Jira's ADF (adf.ts) or ServiceNow's work
// notes (plain text) by the activity that posts it. Some events change only the live status
// the ticket shows (live-status.ts) and are no note: a phase starting, a wait for approval.
import type { Eta } from '../eta/eta.js';
import { etaText } from '../format/eta-text.js';
import type { Actor } from '../install/actor.js';
import { failureDetails } from '../install/failure-details.js';
import type { InstallState, PhaseError, PhaseStatus } from '../install/status.js';
import { failedHostsRefusal } from '../plan/failed-hosts.js';
import { phasePlan, type Flow, type PlannedPhase } from '../plan/phases.js';

/** What happened that is worth a note on the ticket, as the workflow hands it to the comment activity, with the ETA as the install stood then. */
export type NoteEvent = { eta?: Eta } & (
  | { kind: 'started'; id: string; flow: Flow; phases: string[]; by?: Actor; operation?: string }
  | { kind: 'phase-finished'; id: string; phase: Pick<PhaseStatus, 'name' | 'attempts' | 'summary'>; retriedBy?: Actor }
  | {
      kind: 'waiting-for-operator';
      id: string;
      flow: Flow;
      phase: string;
      error: PhaseError;
      /** The phase's --failed-hosts rule (a day-2 phase's is not in the flow's plan); absent from runs before day 2. */
      failedHosts?: PlannedPhase['failedHosts'];
    }
  | { kind: 'gate-passed'; id: string; gate: string; by?: Actor }
  | { kind: 'ended'; id: string; state: InstallState; error?: Pick<PhaseError, 'type' | 'message'> & { phase?: string }; by?: Actor; reason?: string }
);

/** What changes only the live status the ticket shows. */
export type StatusEvent = { kind: 'phase-started'; id: string; phase: string } | { kind: 'waiting-for-approval'; id: string; gate: string };

/** Every event the workflow tells its ticket of: each shows the live status, notes are also posted. */
export type ProgressEvent = NoteEvent | StatusEvent;

export const isNoteEvent = (event: ProgressEvent): event is NoteEvent => event.kind !== 'phase-started' && event.kind !== 'waiting-for-approval';

export interface ProgressNote {
  title: string;
  lines: string[];
  /** Commands to copy, one a line. */
  commands: string[];
}

const firstLine = (text: string, max = 300) => text.split('\n')[0]!.slice(0, max);
const who = (actor: Actor) => `${actor.name} (${actor.via})`;

/** The commands an operator can run for this phase: --failed-hosts only where the phase allows it and hosts failed. */
export function operatorCommands(id: string, planned: Pick<PlannedPhase, 'failedHosts'> | undefined, phase: string, error: PhaseError): string[] {
  return [
    `kinstall retry ${id}`,
    ...(!failedHostsRefusal(planned, phase, error) ? [`kinstall retry ${id} --failed-hosts`] : []),
    `kinstall retry ${id} --vars FILE`,
    `kinstall cancel ${id}`,
  ];
}

/** The note for an event; `now`, the time it is posted, names the ETA's day when it is not today's. */
export function progressNote(event: NoteEvent, now = new Date().toISOString()): ProgressNote {
  const note = noteOf(event);
  return event.eta ? { ...note, lines: [...note.lines, `${etaText(event.eta, now)}.`] } : note;
}

function noteOf(event: NoteEvent): ProgressNote {
  switch (event.kind) {
    case 'started':
      return {
        title: `Katonic ${event.operation ? `${event.operation} on the cluster` : 'install'} ${event.id} started${event.by ? ` by ${who(event.by)}` : ''}`,
        lines: [`Flow ${event.flow}; phases: ${event.phases.join(', ')}.`],
        commands: [`kinstall status ${event.id}`],
      };
    case 'phase-finished':
      return {
        title: `${event.id}: the ${event.phase.name} phase finished`,
        lines: [
          `Attempts: ${event.phase.attempts}.`,
          ...(event.retriedBy ? [`Retried by ${who(event.retriedBy)}.`] : []),
          ...(event.phase.summary ? [firstLine(event.phase.summary)] : []),
        ],
        commands: [],
      };
    case 'waiting-for-operator': {
      const { error } = event;
      const failures = error.failures.slice(0, 10).map((f) => `Task "${f.task}" on ${f.host}: ${firstLine(f.message)}`);
      return {
        title: `${event.id} waits for an operator: the ${event.phase} phase failed (${error.type})`,
        lines: [
          firstLine(error.message),
          ...failures,
          ...(error.failedHosts.length ? [`Failed hosts: ${error.failedHosts.join(', ')}`] : []),
          ...(error.unreachableHosts.length ? [`Unreachable hosts: ${error.unreachableHosts.join(', ')}`] : []),
          ...failureDetails(error)
            .slice(0, 10)
            .map((d) => firstLine(`${d.key}: ${d.text}`)),
        ],
        commands: operatorCommands(event.id, event.failedHosts ? { failedHosts: event.failedHosts } : phasePlan(event.flow, event.phase), event.phase, error),
      };
    }
    case 'gate-passed':
      return { title: `${event.id}: ${event.gate} approved${event.by ? ` by ${who(event.by)}` : ''}`, lines: [], commands: [`kinstall status ${event.id}`] };
    case 'ended':
      return {
        title: `Katonic install ${event.id} ${event.state}${event.by ? ` by ${who(event.by)}` : ''}`,
        lines: [
          ...(event.error ? [`${event.error.phase ? `The ${event.error.phase} phase: ` : ''}${event.error.type}: ${firstLine(event.error.message)}`] : []),
          ...(event.reason ? [`Reason: ${firstLine(event.reason)}`] : []),
        ],
        commands: event.state === 'failed' ? [`kinstall resume ${event.id}`] : [],
      };
  }
}

/** ServiceNow's work notes are plain text. */
export function noteAsText(note: ProgressNote): string {
  return [note.title, ...note.lines, ...(note.commands.length ? ['', ...note.commands] : [])].join('\n');
}
