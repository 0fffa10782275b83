// The timing of one playbook run, from its events' times (the callback stamps them): the tasks
// started so far in order, and how long each ended one took. What the estimate reads while the
// run goes on and what the book keeps after it.
import type { AnsibleEvent } from '../ansible/events.js';

export interface EndedTask {
  key: string;
  seconds: number;
}

/** A task as runs of a playbook compare it: its role and name (Kubespray repeats names across roles). */
export const taskKey = (task: string, role?: string): string => (role ? `${role} : ${task}` : task);

export class RunTimer {
  readonly started: string[] = [];
  readonly ended: EndedTask[] = [];
  private current?: { key: string; at: number };

  /** `at`: the event's own time (seconds since the epoch), else when it was read. */
  constructor(readonly startedAt: number) {}

  apply(e: AnsibleEvent, readAt: number): void {
    const at = ('t' in e && typeof e.t === 'number' ? e.t : undefined) ?? readAt;
    if (e.event === 'task_start') {
      this.close(at);
      const key = taskKey(e.task, e.role);
      this.started.push(key);
      this.current = { key, at };
    } else if (e.event === 'stats') {
      this.close(at);
    }
  }

  /** When the running task started, if one runs. */
  get currentStartedAt(): number | undefined {
    return this.current?.at;
  }

  private close(at: number): void {
    if (this.current) this.ended.push({ key: this.current.key, seconds: Math.max(0, at - this.current.at) });
    this.current = undefined;
  }
}
