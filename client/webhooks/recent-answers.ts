// Answers the webhook server has given lately, by key, so the same question is answered again
// without asking Temporal: a redelivery by its delivery id (Jira's X-Atlassian-Webhook-Identifier
// is the same on every redelivery; the answer may still be coming: T is then a promise), a
// start by the install id it names. Bounded in number and age: the oldest are forgotten first.
// Not the guard against duplicates (that is the install id, keyed by name, on the Temporal
// server): a speed-up.
export class RecentAnswers<T> {
  private readonly answers = new Map<string, { answer: T; until: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const kept = this.answers.get(key);
    if (!kept) return undefined;
    if (kept.until > this.now()) return kept.answer;
    this.answers.delete(key);
    return undefined;
  }

  set(key: string, answer: T): void {
    this.answers.delete(key);
    this.answers.set(key, { answer, until: this.now() + this.maxAgeMs });
    if (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value!);
  }

  /** Forgets `key`, if it still holds `answer` (a newer answer stays). */
  delete(key: string, answer: T): void {
    if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
  }
}
