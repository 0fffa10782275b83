// The answers to recent deliveries by delivery id (Jira's X-Atlassian-Webhook-Identifier is
// the same on every redelivery), so a redelivery is answered as the first one was without
// asking Temporal again (the answer may still be coming: T is then a promise). Bounded: the
// oldest are forgotten first. Not the guard against duplicates (that is the install id, keyed
// by name, on the Temporal server): a speed-up.
export class DeliveryCache<T> {
  private readonly answers = new Map<string, T>();

  constructor(private readonly capacity = 10_000) {}

  get(key: string): T | undefined {
    return this.answers.get(key);
  }

  set(key: string, answer: T): void {
    this.answers.delete(key);
    this.answers.set(key, answer);
    if (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value!);
  }

  /** Forgets `key`, if it still holds `answer` (a newer answer stays). */
  delete(key: string, answer: T): void {
    if (this.answers.get(key) === answer) this.answers.delete(key);
  }
}
