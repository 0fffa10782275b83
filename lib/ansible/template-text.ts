// What ansible-core's template engine would evaluate in a string: its default delimiters,
// or a `#jinja2:` header, which sets other delimiters for the rest of the string.
const TEMPLATE_TEXT = /\{\{|\{%|\{#|#jinja2:/;

export const hasTemplateText = (text: string): boolean => TEMPLATE_TEXT.test(text);

export const NO_TEMPLATE_TEXT =
  'expected no template text ("{{", "{%", "{#", "#jinja2:"): values from a spec, a ticket or an operator are data for Ansible, never templates';
