// What the spec says before it is checked: enough to name the install in its status from the
// first moment (a spec that fails the check still has an install to show).
import { isFlow, type Flow } from '../plan/phases.js';

export function specSketch(specJson: string): { cluster: string; flow: Flow; ticket?: string } {
  try {
    const doc = JSON.parse(specJson) as { metadata?: { name?: string; ticket?: string }; spec?: { flow?: Flow } };
    return { cluster: doc.metadata?.name ?? '', flow: isFlow(doc.spec?.flow) ? doc.spec.flow : 'onprem', ticket: doc.metadata?.ticket };
  } catch {
    return { cluster: '', flow: 'onprem' };
  }
}
