// A progress note as Jira Cloud's Atlassian Document Format (REST API v3 comment bodies):
// a bold title paragraph, a bullet list of lines, and the commands as a code block. Ticket
// and Ansible text goes in text nodes, which Jira shows as text, never as markup.
import type { ProgressNote } from './progress-note.js';

type AdfNode = { type: string; text?: string; attrs?: Record<string, unknown>; marks?: { type: string }[]; content?: AdfNode[] };

const text = (value: string, marks?: { type: string }[]): AdfNode => ({ type: 'text', text: value || ' ', ...(marks ? { marks } : {}) });
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

export function noteAsAdf(note: ProgressNote): { type: 'doc'; version: 1; content: AdfNode[] } {
  const content: AdfNode[] = [paragraph(text(note.title, [{ type: 'strong' }]))];
  if (note.lines.length) content.push({ type: 'bulletList', content: note.lines.map((line) => ({ type: 'listItem', content: [paragraph(text(line))] })) });
  if (note.commands.length) content.push({ type: 'codeBlock', attrs: { language: 'shell' }, content: [text(note.commands.join('\n'))] });
  return { type: 'doc', version: 1, content };
}
