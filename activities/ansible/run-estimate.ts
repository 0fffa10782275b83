// The estimate of one playbook run, kept beside it: what the book recorded of this playbook
// (read as the run starts), the run's own timing, and at its end what it adds to the book. With
// nothing recorded, the playbook's task list is asked of Ansible (`--list-tasks`) once the run
// has gone on a while: a run that ends within seconds needs no estimate, and the listing costs
// a second of CPU.
import type { Remaining } from '../../lib/eta/eta.js';
import type { AnsibleEvent } from '../../lib/ansible/events.js';
import type { PlaybookHistory, PlaybookKey } from '../../lib/eta/duration-book.js';
import { countListedTasks } from '../../lib/eta/listed-tasks.js';
import { playbookRemaining } from '../../lib/eta/playbook-remaining.js';
import { RunTimer } from '../../lib/eta/run-timer.js';
import { execa, type ResultPromise } from 'execa';
import { readPlaybookHistory, recordPlaybookRun } from '../durations.js';
import type { PlaybookCommand } from './playbook-command.js';

export interface RunTiming {
  key: PlaybookKey;
  /** The hosts the run acts on (the inventory's, or its --limit). */
  hosts: number;
}

const LIST_TASKS_AFTER_MS = 5_000;
/** Ansible's default: each task runs on this many hosts at once. */
const DEFAULT_FORKS = 5;

const now = () => Date.now() / 1000;

export class RunEstimate {
  private readonly timer = new RunTimer(now());
  private readonly batches: number;
  private tasksListed?: number;
  private listing?: ResultPromise;
  private readonly listTimer?: NodeJS.Timeout;

  private constructor(
    private readonly timing: RunTiming,
    private readonly history: PlaybookHistory,
    command: PlaybookCommand & { cwd: string },
  ) {
    const forks = Number(command.env.ANSIBLE_FORKS ?? process.env.ANSIBLE_FORKS) || DEFAULT_FORKS;
    this.batches = Math.max(1, Math.ceil(timing.hosts / forks));
    if (!history.runs) this.listTimer = setTimeout(() => this.listTasks(command), LIST_TASKS_AFTER_MS);
  }

  static async start(timing: RunTiming, command: PlaybookCommand & { cwd: string }): Promise<RunEstimate> {
    return new RunEstimate(timing, await readPlaybookHistory(timing.key), command);
  }

  apply(event: AnsibleEvent): void {
    this.timer.apply(event, now());
  }

  /** What the heartbeat adds to the progress: the tasks known and the time still to go. */
  progress(): { tasksKnown?: number; remaining?: Remaining } {
    const tasksKnown = this.history.runs ? this.history.sequence.length : this.tasksListed;
    const remaining = playbookRemaining(this.history, {
      started: this.timer.started,
      currentStartedAt: this.timer.currentStartedAt,
      startedAt: this.timer.startedAt,
      now: now(),
      tasksKnown,
      batches: this.batches,
    });
    return { ...(tasksKnown !== undefined ? { tasksKnown } : {}), ...(remaining ? { remaining } : {}) };
  }

  /** The run ended: its task times go to the book (its order too when it completed). */
  async finish(completed: boolean): Promise<void> {
    clearTimeout(this.listTimer);
    this.listing?.kill('SIGKILL');
    const tasks = this.timer.ended.map((t) => ({ key: t.key, secondsPerBatch: t.seconds / this.batches }));
    if (tasks.length) await recordPlaybookRun({ ...this.timing.key, tasks, complete: completed });
  }

  private listTasks(command: PlaybookCommand & { cwd: string }): void {
    this.listing = execa(command.file, [...command.args, '--list-tasks'], { cwd: command.cwd, env: command.env, reject: false, stdin: 'ignore' });
    void this.listing.then((result) => {
      if (result.exitCode === 0) this.tasksListed = countListedTasks(String(result.stdout));
    });
  }
}
