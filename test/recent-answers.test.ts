// The webhook server's memory of recent answers: bounded in age and number, and a newer answer
// is never forgotten in place of an older one.
import { RecentAnswers } from '../client/webhooks/recent-answers.js';

describe('RecentAnswers', () => {
  it('answers until its age runs out, then forgets', () => {
    let now = 1_000;
    const answers = new RecentAnswers<string>(500, 10, () => now);
    answers.set('install-a', 'exists');
    now += 499;
    expect(answers.get('install-a')).toBe('exists');
    now += 1;
    expect(answers.get('install-a')).toBeUndefined();
  });

  it('forgets the oldest first when full; setting a key again makes it the newest', () => {
    const answers = new RecentAnswers<number>(60_000, 2);
    answers.set('a', 1);
    answers.set('b', 2);
    answers.set('a', 3);
    answers.set('c', 4);
    expect([answers.get('a'), answers.get('b'), answers.get('c')]).toEqual([3, undefined, 4]);
  });

  it('deletes a key only while it still holds the answer named', () => {
    const answers = new RecentAnswers<string>(60_000);
    answers.set('delivery-1', 'failed');
    answers.set('delivery-1', 'retried');
    answers.delete('delivery-1', 'failed');
    expect(answers.get('delivery-1')).toBe('retried');
    answers.delete('delivery-1', 'retried');
    expect(answers.get('delivery-1')).toBeUndefined();
  });
});
