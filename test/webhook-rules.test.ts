// The webhook server's pure parts, without a server: signature checks (constant-time, several
// secrets, the generic window), reading a delivery as a ticket event, and the rules that map
// it (the demo config included) to a spec validated as a spec file is.
import { dirname } from 'node:path';
import { validateSpec } from '../lib/spec/validate.js';
import { fillSpec, matchRule } from '../lib/webhooks/mapping.js';
import { basicAuthMatches, checkTimestamped, safeEqual, signatureHeader, signedByAny } from '../lib/webhooks/signatures.js';
import { ticketEvent } from '../lib/webhooks/ticket-event.js';
import { loadWebhookConfig } from '../client/webhooks/load-config.js';
import { DEFAULT_WEBHOOK_CONFIG } from '../client/webhooks/defaults.js';
import { basicAuth, jiraTransition } from './support/webhook-deliveries.js';

describe('signatures', () => {
  const body = Buffer.from('{"webhookEvent":"jira:issue_updated"}');

  it('accepts sha256=<hex> under any of several secrets and nothing else', () => {
    const header = signatureHeader('new', body);
    expect(signedByAny(header, body, ['old', 'new'])).toBe(true);
    expect(signedByAny(header.toUpperCase().replace('SHA256', 'sha256'), body, ['new'])).toBe(true);
    expect(signedByAny(header, body, ['old'])).toBe(false);
    expect(signedByAny(header, Buffer.from(`${body.toString()} `), ['new'])).toBe(false);
    expect(signedByAny(undefined, body, ['new'])).toBe(false);
    expect(signedByAny('sha256=', body, ['new'])).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('checks the generic timestamp.body signature within its window', () => {
    const now = 1_700_000_000_000;
    const ts = String(now / 1000);
    const header = signatureHeader('s', `${ts}.${body.toString()}`);
    expect(checkTimestamped(ts, header, body, ['s'], now, 300)).toBe('ok');
    expect(checkTimestamped(ts, header, body, ['s'], now + 301_000, 300)).toBe('stale');
    expect(checkTimestamped(ts, header, body, ['other'], now, 300)).toBe('forged');
    expect(checkTimestamped(undefined, header, body, ['s'], now, 300)).toBe('missing');
    expect(checkTimestamped('12abc', header, body, ['s'], now, 300)).toBe('forged');
  });

  it('checks Basic auth user and password', () => {
    expect(basicAuthMatches(basicAuth('katonic', 'p2'), 'katonic', ['p1', 'p2'])).toBe(true);
    expect(basicAuthMatches(basicAuth('other', 'p2'), 'katonic', ['p2'])).toBe(false);
    expect(basicAuthMatches(basicAuth('katonic', 'p3'), 'katonic', ['p2'])).toBe(false);
    expect(basicAuthMatches('Bearer x', 'katonic', ['p2'])).toBe(false);
  });
});

describe('ticket events', () => {
  it('reads a Jira Cloud issue_updated status transition', () => {
    const ev = ticketEvent('jira', jiraTransition('OPS-1', 'Install'));
    expect(ev).toMatchObject({ ok: true, event: { source: 'jira', event: 'jira:issue_updated', statusTo: 'Install' } });
  });

  it('refuses events it does not know and bodies that are not objects', () => {
    expect(ticketEvent('jira', jiraTransition('OPS-1', 'Install', {}, 'comment_created'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('unsupported Jira event'),
    });
    expect(ticketEvent('jira', [])).toMatchObject({ ok: false, message: 'expected a JSON object' });
    expect(ticketEvent('servicenow', { event: 'approved', table: 'sc_req_item' })).toMatchObject({ ok: false, message: expect.stringContaining('sys_id') });
  });
});

describe('mapping (the demo config)', () => {
  it('maps a Jira issue moved to Install to a valid start of the demo spec named after the issue', async () => {
    const { config, templates } = await loadWebhookConfig(DEFAULT_WEBHOOK_CONFIG);
    const ev = ticketEvent('jira', jiraTransition('OPS-42', 'Install'));
    if (!ev.ok) throw new Error(ev.message);
    const rule = matchRule(config.rules, ev.event);
    expect(rule?.action).toBe('start');
    const filled = fillSpec(templates.get(rule!.name)!.doc, rule!.set!, ev.event.body);
    if (!filled.ok) throw new Error(filled.errors.join('; '));
    const spec = validateSpec(filled.doc);
    expect(spec).toMatchObject({ ok: true, spec: { metadata: { name: 'ops-42', ticket: 'OPS-42' }, spec: { flow: 'onprem' } } });
    expect(templates.get(rule!.name)!.baseDir).toBe(dirname(DEFAULT_WEBHOOK_CONFIG));
  });

  it('ignores a transition no rule names, and maps Cancel to the install of the same name', async () => {
    const { config } = await loadWebhookConfig(DEFAULT_WEBHOOK_CONFIG);
    const inProgress = ticketEvent('jira', jiraTransition('OPS-42', 'In Progress'));
    const cancel = ticketEvent('jira', jiraTransition('OPS-42', 'Cancel'));
    if (!inProgress.ok || !cancel.ok) throw new Error('not events');
    expect(matchRule(config.rules, inProgress.event)).toBeUndefined();
    expect(matchRule(config.rules, cancel.event)).toMatchObject({ action: 'cancel', install: { field: 'issue.key', lowerCase: true } });
  });

  it('copies ticket fields as data, names every missing one, and never reads inherited properties', () => {
    const template = { metadata: { name: 'x' } };
    const set = {
      'metadata.name': { field: 'issue.key', lowerCase: true },
      'spec.extraVars.note': { field: 'issue.fields.summary' },
      'metadata.ticket': { field: 'constructor.name' },
    };
    const filled = fillSpec(template, set, { issue: { key: 'OPS-7' } });
    expect(filled).toEqual({
      ok: false,
      errors: [
        'ticket field issue.fields.summary is missing (it gives spec.extraVars.note)',
        'ticket field constructor.name is missing (it gives metadata.ticket)',
      ],
    });
    const ok = fillSpec(template, { 'spec.katonic.fqdn': { field: 'f' } }, { f: '{{ 7 * 7 }}' });
    expect(ok).toEqual({ ok: true, doc: { metadata: { name: 'x' }, spec: { katonic: { fqdn: '{{ 7 * 7 }}' } } } });
    expect(template).toEqual({ metadata: { name: 'x' } });
  });

  it('leaves the template as it was when a field is set inside one of its objects', () => {
    const template = { metadata: { name: 'demo', ticket: 'NONE' }, spec: { flow: 'onprem' } };
    const filled = fillSpec(template, { 'metadata.name': { field: 'issue.key', lowerCase: true } }, { issue: { key: 'OPS-7' } });
    expect(filled).toEqual({ ok: true, doc: { metadata: { name: 'ops-7', ticket: 'NONE' }, spec: { flow: 'onprem' } } });
    expect(template).toEqual({ metadata: { name: 'demo', ticket: 'NONE' }, spec: { flow: 'onprem' } });
  });
});
