import { readFileSync } from 'node:fs';
import { ProgressTracker, parseEventLine, type AnsibleEvent } from '../lib/ansible/events.js';
import { fixture } from './support/repo.js';

const line = (value: unknown) => JSON.stringify(value);

/** A tracker fed these events, in order. */
function track(events: AnsibleEvent[]): ProgressTracker {
  const tracker = new ProgressTracker();
  for (const e of events) tracker.apply(e);
  return tracker;
}

const ok = (host: string, task = 't', changed = false): AnsibleEvent => ({ event: 'runner_ok', task, host, changed });
const failed = (host: string, task = 't', msg = 'boom', output = '', ignored = false): AnsibleEvent => ({
  event: 'runner_failed',
  task,
  host,
  ignored,
  msg,
  output,
});
const unreachable = (host: string, task = 't', msg = 'ssh: connect to host timed out'): AnsibleEvent => ({ event: 'runner_unreachable', task, host, msg });
const taskStart = (task: string): AnsibleEvent => ({ event: 'task_start', task });

describe('Ansible event stream parsing (pure)', () => {
  it('parses every event kind the callback plugin prints', () => {
    const events: AnsibleEvent[] = [
      { event: 'playbook_start', playbook: 'cluster.yml' },
      { event: 'play_start', play: 'Prepare the hosts' },
      { event: 'task_start', task: 'Install packages' },
      { event: 'runner_ok', task: 'Install packages', host: 'master-1', changed: true },
      { event: 'runner_failed', task: 'Install packages', host: 'worker-1', ignored: false, msg: 'No package matching', output: 'E: Unable to locate package' },
      { event: 'runner_skipped', task: 'Install packages', host: 'worker-2' },
      { event: 'runner_unreachable', task: 'Install packages', host: 'worker-3', msg: 'Failed to connect to the host via ssh' },
      { event: 'stats', hosts: { 'master-1': { ok: 3, changed: 1, failures: 0, unreachable: 0 } } },
    ];
    for (const e of events) expect(parseEventLine(line(e))).toEqual(e);
  });

  it('keeps fields the types do not name (the plugin adds some to stats)', () => {
    const parsed = parseEventLine('{"event": "stats", "hosts": {"m": {"ok": 1, "changed": 0, "failures": 0, "unreachable": 0, "skipped": 2}}}');
    expect(parsed?.event).toBe('stats');
    expect(parsed && parsed.event === 'stats' ? parsed.hosts.m?.ok : undefined).toBe(1);
  });

  it('ignores lines that are not JSON objects', () => {
    for (const text of [
      '',
      'PLAY [all] ****',
      '[WARNING]: Could not match supplied host pattern',
      ' {"event": "task_start", "task": "x"}',
      '{not json',
      '{"event": "task_start"',
      '["task_start"]',
      '42',
      'null',
    ]) {
      expect(parseEventLine(text)).toBeUndefined();
    }
  });

  it('ignores JSON objects that are not events of the stream', () => {
    expect(parseEventLine(line({ event: 'runner_item_ok', task: 't', host: 'h' }))).toBeUndefined();
    expect(parseEventLine(line({ task: 't', host: 'h' }))).toBeUndefined();
    expect(parseEventLine(line({ event: 42 }))).toBeUndefined();
    expect(parseEventLine(line({ event: 'TASK_START', task: 't' }))).toBeUndefined();
  });
});

describe('Ansible progress tracking (pure)', () => {
  it('starts empty', () => {
    expect(new ProgressTracker().snapshot()).toEqual({
      playbook: undefined,
      task: undefined,
      tasksDone: 0,
      hosts: { ok: 0, changed: 0, failed: 0, unreachable: 0 },
      failedHosts: [],
      unreachableHosts: [],
      failures: [],
    });
  });

  it('names the playbook and the running task, counting a task done when the next one starts', () => {
    const tracker = track([{ event: 'playbook_start', playbook: 'site.yml' }, { event: 'play_start', play: 'p' }, taskStart('one')]);
    expect(tracker.snapshot()).toMatchObject({ playbook: 'site.yml', task: 'one', tasksDone: 0 });
    tracker.apply(taskStart('two'));
    tracker.apply(taskStart('three'));
    expect(tracker.snapshot()).toMatchObject({ task: 'three', tasksDone: 2 });
  });

  it('counts the last task done at the stats event and then names no task', () => {
    const tracker = track([taskStart('one'), taskStart('two'), { event: 'stats', hosts: {} }]);
    expect(tracker.snapshot()).toMatchObject({ task: undefined, tasksDone: 2 });
  });

  it('does not count a task for a stats event when no task ran', () => {
    expect(
      track([
        { event: 'playbook_start', playbook: 'p.yml' },
        { event: 'stats', hosts: {} },
      ]).snapshot().tasksDone,
    ).toBe(0);
  });

  it('counts each host once, by its worst state: changed outranks ok', () => {
    const snap = track([
      taskStart('a'),
      ok('h1', 'a', true),
      ok('h2', 'a'),
      taskStart('b'),
      ok('h1', 'b'),
      ok('h2', 'b'),
      { event: 'runner_skipped', task: 'b', host: 'h3' },
    ]).snapshot();
    expect(snap.hosts).toEqual({ ok: 2, changed: 1, failed: 0, unreachable: 0 });
    expect(snap.failedHosts).toEqual([]);
  });

  it('keeps a failed host failed when later tasks succeed on it', () => {
    const snap = track([failed('h1', 'a'), ok('h1', 'b', true), ok('h1', 'c'), { event: 'runner_skipped', task: 'd', host: 'h1' }]).snapshot();
    expect(snap.hosts).toEqual({ ok: 0, changed: 0, failed: 1, unreachable: 0 });
    expect(snap.failedHosts).toEqual(['h1']);
  });

  it('keeps an unreachable host unreachable when later events report it ok', () => {
    const snap = track([ok('h1', 'a', true), unreachable('h1', 'b'), ok('h1', 'c', true)]).snapshot();
    expect(snap.hosts).toEqual({ ok: 0, changed: 0, failed: 0, unreachable: 1 });
    expect(snap.unreachableHosts).toEqual(['h1']);
    expect(snap.failedHosts).toEqual([]);
  });

  it('counts an ignored failure as ok and keeps no failure for it', () => {
    const snap = track([failed('h1', 'probe', 'not there', 'stderr', true)]).snapshot();
    expect(snap.hosts).toEqual({ ok: 1, changed: 0, failed: 0, unreachable: 0 });
    expect(snap.failedHosts).toEqual([]);
    expect(snap.failures).toEqual([]);
  });

  it('does not let an ignored failure downgrade a changed host', () => {
    expect(track([ok('h1', 'a', true), failed('h1', 'b', 'x', '', true)]).snapshot().hosts).toEqual({ ok: 0, changed: 1, failed: 0, unreachable: 0 });
  });

  it('lists failed and unreachable hosts and records each failure with its task, host, message and output', () => {
    const snap = track([
      ok('m1', 'a'),
      failed('w1', 'Install containerd', 'non-zero return code', 'E: dpkg was interrupted\nrun dpkg --configure -a'),
      unreachable('w2', 'Install containerd', 'Connection timed out'),
    ]).snapshot();
    expect(snap.hosts).toEqual({ ok: 1, changed: 0, failed: 1, unreachable: 1 });
    expect(snap.failedHosts).toEqual(['w1']);
    expect(snap.unreachableHosts).toEqual(['w2']);
    expect(snap.failures).toEqual([
      {
        host: 'w1',
        task: 'Install containerd',
        message: 'non-zero return code',
        output: 'E: dpkg was interrupted\nrun dpkg --configure -a',
        unreachable: false,
      },
      { host: 'w2', task: 'Install containerd', message: 'Connection timed out', output: '', unreachable: true },
    ]);
  });

  it('keeps at most 8 failures, the most recent ones', () => {
    const tracker = track(Array.from({ length: 12 }, (_, i) => failed(`h${i}`, `task ${i}`)));
    const snap = tracker.snapshot();
    expect(snap.failures).toHaveLength(8);
    expect(snap.failures.map((f) => f.task)).toEqual(['task 4', 'task 5', 'task 6', 'task 7', 'task 8', 'task 9', 'task 10', 'task 11']);
    // The hosts themselves are all still counted.
    expect(snap.hosts.failed).toBe(12);
    expect(snap.failedHosts).toHaveLength(12);
  });

  it('bounds a failure output to its last 2000 characters, marked by a leading ellipsis', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    expect(long.length).toBeGreaterThan(2000);
    const [failure] = track([failed('h1', 't', 'short', long)]).snapshot().failures;
    expect(failure?.output.startsWith('…')).toBe(true);
    expect(failure?.output.slice(1)).toBe(long.slice(-2000));
    expect(failure?.output.endsWith('line 399')).toBe(true);
    expect(failure?.message).toBe('short');
  });

  it('bounds a long message the same way and leaves output of exactly 2000 characters alone', () => {
    const exact = 'x'.repeat(2000);
    const [failure] = track([failed('h1', 't', 'm'.repeat(5000), exact)]).snapshot().failures;
    expect(failure?.message).toBe(`…${'m'.repeat(2000)}`);
    expect(failure?.output).toBe(exact);
  });

  it('returns snapshots that later events do not change', () => {
    const tracker = track([failed('h1', 'a')]);
    const before = tracker.snapshot();
    tracker.apply(failed('h2', 'b'));
    expect(before.failures).toHaveLength(1);
    expect(tracker.snapshot().failures).toHaveLength(2);
  });
});

describe('Ansible progress from a recorded Kubespray run (pure)', () => {
  const lines = readFileSync(fixture('events-kubespray.jsonl'), 'utf8').split('\n');
  const events = lines.map(parseEventLine).filter((e): e is AnsibleEvent => e !== undefined);

  it('parses every non-empty line of the recorded stream', () => {
    expect(events).toHaveLength(lines.filter((l) => l.trim()).length);
    expect(events[0]).toEqual({ event: 'playbook_start', playbook: 'cluster.yml' });
    expect(events.at(-1)?.event).toBe('stats');
  });

  it('ends with 3 hosts, no failures and every started task counted done', () => {
    const snap = track(events).snapshot();
    const taskStarts = events.filter((e) => e.event === 'task_start').length;
    expect(taskStarts).toBeGreaterThan(0);
    expect(snap.tasksDone).toBe(taskStarts);
    expect(snap.playbook).toBe('cluster.yml');
    expect(snap.task).toBeUndefined();
    expect(snap.hosts.ok + snap.hosts.changed).toBe(3);
    expect(snap.hosts.failed + snap.hosts.unreachable).toBe(0);
    // Every host changed something in the run (the recorded stats agree: changed > 0 for each).
    expect(snap.hosts.changed).toBe(3);
    expect(snap).toMatchObject({ failedHosts: [], unreachableHosts: [], failures: [] });
  });

  it('agrees with the stats event on which hosts ran', () => {
    const stats = events.at(-1);
    const hostsInStats = stats?.event === 'stats' ? Object.keys(stats.hosts).sort() : [];
    const hostsSeen = [...new Set(events.flatMap((e) => ('host' in e ? [e.host] : [])))].sort();
    expect(hostsSeen).toEqual(hostsInStats);
    expect(hostsSeen).toEqual(['master-1', 'worker-1', 'worker-2']);
  });
});
