import { DurationBook, MAX_TASKS, phaseKey, RETENTION_DAYS, SAMPLES } from '../lib/eta/duration-book.js';
import { etaFrom } from '../lib/eta/eta.js';
import { installEta, installRemaining } from '../lib/eta/install-remaining.js';
import { countListedTasks } from '../lib/eta/listed-tasks.js';
import { playbookRemaining, sequencePosition } from '../lib/eta/playbook-remaining.js';
import { addSpreads, quantile } from '../lib/eta/quantile.js';
import { RunTimer } from '../lib/eta/run-timer.js';
import { t90 } from '../lib/eta/small-sample.js';
import { durationOf, sumOfDurations } from '../lib/eta/sum-of-durations.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';
import { seededRandom } from './support/seeded-random.js';

const key = { scope: 'kubespray v2.31.0', playbook: 'cluster.yml' };
const clock = (start = '2026-01-01T00:00:00.000Z') => {
  let t = Date.parse(start);
  return { now: () => new Date(t).toISOString(), advanceDays: (d: number) => (t += d * 86_400_000) };
};

describe('quantiles and spreads (pure)', () => {
  it('interpolates between sorted values', () => {
    expect(quantile([3, 1, 2, 4, 5], 0.5)).toBe(3);
    expect(quantile([10, 20], 0.9)).toBe(19);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('adds medians, and the widths to the 90th percentile in quadrature', () => {
    expect(
      addSpreads([
        { p50: 10, p90: 13 },
        { p50: 20, p90: 24 },
      ]),
    ).toEqual({ p50: 30, p90: 35 });
  });
});

describe('sums of recorded durations, and what a few samples say (pure)', () => {
  it('reads Student’s t (one-sided 90%) within 0.15% of the tables from 2 degrees of freedom, the normal quantile at many', () => {
    for (const [df, table] of [
      [2, 1.886],
      [4, 1.533],
      [9, 1.383],
      [30, 1.31],
    ] as const)
      expect(Math.abs(t90(df) / table - 1)).toBeLessThan(0.0015);
    expect(t90(1e6)).toBeCloseTo(1.2816, 3);
  });

  it('expects a phase to take its recorded mean, its 90th percentile bounding the next run (one sample: half as much again)', () => {
    const book = new DurationBook(undefined, clock().now);
    for (const seconds of [8, 10, 12, 10, 10]) book.recordPhase({ key: 'onprem kubespray', seconds });
    book.recordPhase({ key: 'onprem verify', seconds: 20 });
    const [kubespray, verify] = book.phaseHistory(['onprem kubespray', 'onprem verify', 'onprem katonic']);
    expect(kubespray).toMatchObject({ key: 'onprem kubespray', p50: 10, samples: 5 });
    expect(kubespray!.p90).toBeCloseTo(10 + 1.533 * Math.sqrt(2) * Math.sqrt(1.2), 2);
    expect(verify).toEqual({ key: 'onprem verify', p50: 20, p90: 30, samples: 1 });
  });

  it('adds means (not medians) and variances; a part alone keeps its own t; a part of one sample adds no spread', () => {
    expect(durationOf([1, 2, 6])).toEqual({ mean: 3, sd: Math.sqrt(7), samples: 3 });
    // One part: its mean + t(4) × sd × sqrt(1 + 1/5).
    expect(sumOfDurations([{ mean: 10, sd: 2, samples: 5 }], 1.5).p90).toBeCloseTo(10 + 1.533 * 2 * Math.sqrt(1.2), 2);
    // Ten alike: the estimated total has 10 × 4 degrees of freedom, t(40) = 1.303.
    const ten = sumOfDurations(
      Array.from({ length: 10 }, () => ({ mean: 10, sd: 2, samples: 5 })),
      1.5,
    );
    expect(ten.p50).toBe(100);
    expect(ten.p90).toBeCloseTo(100 + 1.303 * Math.sqrt(10 * 4 * 1.2), 1);
    expect(sumOfDurations([{ mean: 10, sd: 2, samples: 5 }, durationOf([7])], 1.5).p90).toBeCloseTo(17 + 1.533 * 2 * Math.sqrt(1.2), 2);
    expect(sumOfDurations([{ mean: 10, sd: 0, samples: 5 }], 1.5)).toEqual({ p50: 10, p90: 10 });
    expect(sumOfDurations([durationOf([10])], 1.5)).toEqual({ p50: 10, p90: 15 });
  });

  it('is calibrated on simulated runs: 200 skewed tasks (lognormal), 5 runs recorded; the next run ends by the P50 about half the time, by the P90 about 9 times in 10', () => {
    const random = seededRandom(20);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const TASKS = 200;
    const TRIALS = 200;
    let byP50 = 0;
    let byP90 = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const typical = Array.from({ length: TASKS }, () => 0.3 + 1.7 * random());
      const run = () => typical.map((t) => t * Math.exp(0.4 * normal()));
      const book = new DurationBook(undefined, clock().now);
      for (let i = 0; i < 5; i++) book.recordPlaybookRun({ ...key, tasks: run().map((s, t) => ({ key: `t${t}`, secondsPerBatch: s })), complete: true });
      const remaining = playbookRemaining(book.playbookHistory(key), { started: [], startedAt: 0, now: 0, batches: 1 })!;
      const actual = run().reduce((sum, s) => sum + s, 0);
      byP50 += actual <= remaining.p50Seconds ? 1 : 0;
      byP90 += actual <= remaining.p90Seconds ? 1 : 0;
    }
    // Here 52% and 88.5%; summed medians, with their distances to the 90th percentiles in quadrature, fell short of most runs: 3.5% and 43%.
    expect(byP50 / TRIALS).toBeGreaterThan(0.42);
    expect(byP50 / TRIALS).toBeLessThan(0.58);
    expect(byP90 / TRIALS).toBeGreaterThan(0.85);
    expect(byP90 / TRIALS).toBeLessThan(0.95);
  });
});

describe('the durations book (pure)', () => {
  const run = (times: number[], complete = true) => ({ ...key, tasks: times.map((s, i) => ({ key: `t${i}`, secondsPerBatch: s })), complete });

  it('keeps the order of the last complete run and each task’s time; an incomplete run adds times only', () => {
    const book = new DurationBook(undefined, clock().now);
    book.recordPlaybookRun(run([1, 2, 3]));
    book.recordPlaybookRun(run([3, 4], false));
    const history = book.playbookHistory(key);
    expect(history.sequence).toEqual(['t0', 't1', 't2']);
    expect(history.runs).toBe(1);
    expect(history.tasks.t0).toEqual({ mean: 2, sd: Math.SQRT2, samples: 2 });
    expect(book.playbookHistory({ ...key, scope: 'kubespray v2.30.0' })).toEqual({ sequence: [], tasks: {}, runs: 0 });
  });

  it('is bounded: the last samples per task, the most recently used tasks, nothing past the retention', () => {
    const time = clock();
    const book = new DurationBook(undefined, time.now);
    for (let i = 0; i < SAMPLES + 5; i++) book.recordPlaybookRun(run([i]));
    expect(book.playbookHistory(key).tasks.t0?.samples).toBe(SAMPLES);
    book.recordPlaybookRun({ ...key, tasks: Array.from({ length: MAX_TASKS + 10 }, (_, i) => ({ key: `x${i}`, secondsPerBatch: 1 })), complete: false });
    expect(Object.keys(book.snapshot().tasks)).toHaveLength(MAX_TASKS);
    expect(book.snapshot().tasks[`${key.scope}\n${key.playbook}\nt0`]).toBeUndefined();
    book.recordPhase({ key: 'onprem kubespray', seconds: 600 });
    time.advanceDays(RETENTION_DAYS + 1);
    book.recordPhase({ key: 'onprem verify', seconds: 30 });
    const kept = book.snapshot();
    expect(Object.keys(kept.phases)).toEqual(['onprem verify']);
    expect(kept.tasks).toEqual({});
  });

  it('names a day-2 upgrade’s per-node phases as one', () => {
    expect(phaseKey('onprem upgrade-kube', 'upgrade-worker-1@1.34.2')).toBe('onprem upgrade-kube upgrade-node');
    expect(phaseKey('onprem', 'kubespray')).toBe('onprem kubespray');
  });
});

describe('a running playbook’s remaining time (pure)', () => {
  const history = {
    sequence: ['a', 'b', 'c', 'd'],
    tasks: {
      a: { mean: 10, sd: 2, samples: 5 },
      b: { mean: 20, sd: 4, samples: 5 },
      c: { mean: 30, sd: 0, samples: 5 },
      d: { mean: 40, sd: 5, samples: 5 },
    },
    runs: 5,
  };

  it('finds its place in the recorded order, stepping over tasks the record lacks', () => {
    expect(sequencePosition(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(2);
    expect(sequencePosition(['a', 'b', 'c'], [])).toBe(-1);
  });

  it('sums the tasks to come at their recorded time times the batches, and what is left of the running one', () => {
    const remaining = playbookRemaining(history, { started: ['a', 'b'], currentStartedAt: 100, startedAt: 90, now: 105, batches: 2 })!;
    // Means: b 40 - 5 = 35 left; c 60; d 80.
    expect(remaining.p50Seconds).toBe(175);
    expect(remaining.runs).toBe(5);
    // Standard deviations 8, 0, 10, variances widened by 1 + 1/5: 76.8 + 0 + 120 = 196.8, with
    // 196.8² / ((76.8² + 120²) / 4) = 7.63 degrees of freedom (Welch–Satterthwaite): t = 1.403.
    expect(remaining.p90Seconds).toBeCloseTo(175 + 1.403 * Math.sqrt(196.8), 1);
  });

  it('expects a task past its recorded time to end any moment', () => {
    expect(playbookRemaining(history, { started: ['a', 'b', 'c', 'd'], currentStartedAt: 100, startedAt: 0, now: 500, batches: 1 })).toEqual({
      p50Seconds: 0,
      p90Seconds: 0,
      runs: 5,
    });
    // d (mean 40, sd 5) 45 s in: past its mean, not yet past its mean + 1.28 sd; what is left of
    // that (1.41 s) counts as its spread: 1.1 sd, bounded as any by t(4) × sqrt(1 + 1/5).
    const late = playbookRemaining(history, { started: ['a', 'b', 'c', 'd'], currentStartedAt: 100, startedAt: 0, now: 145, batches: 1 })!;
    expect(late.p50Seconds).toBe(0);
    expect(late.p90Seconds).toBeCloseTo(1.533 * Math.sqrt(1.2) * ((40 + 1.2816 * 5 - 45) / 1.2816), 2);
  });

  it('with one run recorded (no spread to measure), guesses the 90th percentile as with none: half as much again', () => {
    const one = { sequence: ['a', 'b'], tasks: { a: durationOf([10]), b: durationOf([20]) }, runs: 1 };
    expect(playbookRemaining(one, { started: [], startedAt: 0, now: 0, batches: 1 })).toEqual({ p50Seconds: 30, p90Seconds: 45, runs: 1 });
  });

  it('with nothing recorded, goes at the run’s own pace over the listed tasks, and says so', () => {
    const none = { sequence: [], tasks: {}, runs: 0 };
    expect(playbookRemaining(none, { started: ['a'], currentStartedAt: 10, startedAt: 0, now: 12, tasksKnown: 10, batches: 1 })).toBeUndefined();
    expect(playbookRemaining(none, { started: ['a', 'b', 'c'], currentStartedAt: 20, startedAt: 0, now: 30, tasksKnown: 10, batches: 1 })).toEqual({
      p50Seconds: 120,
      p90Seconds: 180,
      runs: 0,
    });
  });
});

describe('an install’s remaining time and ETA (pure)', () => {
  const now = '2026-01-01T10:00:00.000Z';
  const phase = (name: string, state: PhaseStatus['state'], more: Partial<PhaseStatus> = {}): PhaseStatus => ({ name, state, attempts: 0, ...more });
  const status = (phases: PhaseStatus[], state: InstallStatus['state'] = 'running'): InstallStatus => ({
    id: 'install-a',
    cluster: 'a',
    flow: 'onprem',
    state,
    phases,
    operatorActions: [],
  });
  const expected = (p50Seconds: number, p90Seconds: number, runs = 5) => ({ p50Seconds, p90Seconds, runs });

  it('adds the live estimate of the running phase to what pending phases are expected to take', () => {
    const s = status([
      phase('preflight', 'completed', { expected: expected(10, 12) }),
      phase('kubespray', 'running', { expected: expected(600, 700), remaining: expected(300, 330, 4) }),
      phase('katonic', 'pending', { expected: expected(100, 140, 6) }),
    ]);
    expect(installRemaining(s, now)).toEqual({ p50Seconds: 400, p90Seconds: 450, runs: 4 });
    expect(installEta(s, now)).toEqual({ p50: '2026-01-01T10:06:40.000Z', p90: '2026-01-01T10:07:30.000Z', basis: '4 runs' });
  });

  it('without a live estimate, takes what the running phase’s record leaves after its time so far', () => {
    const s = status([phase('kubespray', 'running', { expected: expected(600, 700), runs: [{ startedAt: '2026-01-01T09:58:00.000Z' }] })]);
    expect(installRemaining(s, now)).toEqual({ p50Seconds: 480, p90Seconds: 580, runs: 5 });
  });

  it('says "no history" when a phase still to run was never recorded, and gives no ETA when nothing is known', () => {
    const s = status([phase('kubespray', 'running', { remaining: expected(60, 90, 0) }), phase('katonic', 'pending')]);
    expect(installEta(s, now)?.basis).toBe('no history');
    expect(installEta(status([phase('kubespray', 'running')]), now)).toBeUndefined();
  });

  it('gives no ETA while the install waits for someone, or once it ended', () => {
    const phases = [phase('katonic', 'pending', { expected: expected(100, 140) })];
    expect(installEta(status(phases, 'waiting-for-approval'), now)).toBeUndefined();
    expect(installEta(status(phases, 'completed'), now)).toBeUndefined();
    expect(etaFrom(now, expected(60, 90, 1)).basis).toBe('1 run');
  });
});

describe('a run’s timing and its playbook’s task list (pure)', () => {
  it('times each task from its start to the next start or the stats, by role and name, from the events’ own times', () => {
    const timer = new RunTimer(100);
    timer.apply({ event: 'task_start', task: 'Prepare', role: 'kubernetes/preinstall', t: 100 }, 999);
    timer.apply({ event: 'runner_ok', task: 'Prepare', host: 'h', changed: true }, 999);
    timer.apply({ event: 'task_start', task: 'Join', t: 104.5 }, 999);
    expect(timer.currentStartedAt).toBe(104.5);
    timer.apply({ event: 'stats', hosts: {} }, 110);
    expect(timer.ended).toEqual([
      { key: 'kubernetes/preinstall : Prepare', seconds: 4.5 },
      { key: 'Join', seconds: 5.5 },
    ]);
    expect(timer.currentStartedAt).toBeUndefined();
  });

  it('counts the tasks `ansible-playbook --list-tasks` prints (the stand-in Kubespray’s cluster.yml, recorded)', () => {
    const output = [
      '',
      'playbook: cluster.yml',
      '',
      '  play #1 (all): Check the inventory\tTAGS: []',
      '    tasks:',
      '      Check the inventory\tTAGS: []',
      '      kubespray_defaults : Check the Kubernetes version\tTAGS: [always]',
      '',
      '  play #2 (k8s_cluster:etcd): Prepare the hosts\tTAGS: []',
      '    tasks:',
      '      Prepare the hosts\tTAGS: []',
      '',
    ].join('\n');
    expect(countListedTasks(output)).toBe(3);
  });
});
