// What a failure's type carries beyond hosts and tasks (a preflight report, storage class
// conflicts, verify's problems: lib/install/phase-failure.ts), as items to show: one per entry,
// objects as JSON. The CLI's table, the ticket note and the UI's details each lay them out.
import type { PhaseError } from './status.js';

export interface FailureDetail {
  key: string;
  text: string;
}

export function failureDetails(error: Pick<PhaseError, 'details'>): FailureDetail[] {
  return Object.entries(error.details ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item) => ({ key, text: typeof item === 'string' ? item : JSON.stringify(item) })),
  );
}
