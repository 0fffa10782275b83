// The webhook server's config (YAML): each source's credentials as secret references (a list,
// so one can be rotated: add the new one, switch the sender, drop the old), and the rules that
// say which ticket event means start, retry, resume, approve or cancel, and how the ticket's
// fields fill the spec template. Plain field substitution only: a rule names ticket fields by
// path; nothing in a ticket is ever evaluated.
import { z } from 'zod';
import { secretRef } from '../spec/schema.js';

export const SOURCES = ['jira', 'servicenow', 'generic'] as const;
export type Source = (typeof SOURCES)[number];

/** upgrade-kube and upgrade-katonic go to the cluster's entity (workflows/cluster.ts), with the version from the ticket. */
export const ACTIONS = ['start', 'retry', 'resume', 'approve', 'cancel', 'upgrade-kube', 'upgrade-katonic'] as const;
export type Action = (typeof ACTIONS)[number];

// Dotted paths of plain names: never __proto__ and the like, which are not names.
const PATH_SEGMENT = /^(?!__proto__$|prototype$|constructor$)[A-Za-z0-9_-]+$/;
const dottedPath = z.string().refine((p) => p.split('.').every((s) => PATH_SEGMENT.test(s)), 'expected a dotted path of names, such as issue.key');

const secretRefs = z.array(secretRef).min(1, 'expected at least one secret reference');

/** A value for a spec field: a ticket field (by path), optionally lower-cased, or a constant. */
export const fieldValue = z.union([z.strictObject({ field: dottedPath, lowerCase: z.boolean().optional() }), z.strictObject({ value: z.unknown() })]);
export type FieldValue = z.infer<typeof fieldValue>;

const rule = z.strictObject({
  /** Names the rule in answers and logs. */
  name: z.string().min(1).max(80),
  source: z.enum(SOURCES, { error: `expected one of ${SOURCES.join(', ')}` }),
  /** The event as the source names it (Jira's webhookEvent; the ServiceNow and generic body's event). */
  event: z.string().min(1),
  /** The status the ticket moved to (Jira: the changelog's status item; others: the body's status). */
  statusTo: z.string().min(1).optional(),
  action: z.enum(ACTIONS, { error: `expected one of ${ACTIONS.join(', ')}` }),
  /** start: the spec template, relative to this file. */
  spec: z.string().min(1).optional(),
  /** start: spec fields (dotted paths) set from the ticket. */
  set: z.record(dottedPath, fieldValue).optional(),
  /** retry, resume, approve, cancel: the install's name (its id is install-<name>). */
  install: fieldValue.optional(),
  /** upgrade-kube, upgrade-katonic: the version to reach, from a ticket field. */
  version: fieldValue.optional(),
});
export type Rule = z.infer<typeof rule>;

export const webhookConfigSchema = z
  .strictObject({
    apiVersion: z.literal('katonic.ai/v1', { error: 'expected katonic.ai/v1' }),
    kind: z.literal('WebhookConfig', { error: 'expected WebhookConfig' }),
    sources: z.strictObject({
      jira: z.strictObject({ secretRefs }).optional(),
      servicenow: z
        .strictObject({
          basicAuth: z.strictObject({ user: z.string().min(1), passwordRefs: secretRefs }).optional(),
          secretRefs: secretRefs.optional(),
        })
        .refine((s) => s.basicAuth || s.secretRefs, 'expected basicAuth or secretRefs')
        .optional(),
      generic: z.strictObject({ secretRefs, toleranceSeconds: z.number().int().positive().max(3600).optional() }).optional(),
    }),
    rules: z.array(rule),
  })
  .superRefine((config, ctx) => {
    config.rules.forEach((r, i) => {
      const at = (field: string) => ['rules', i, field];
      if (!config.sources[r.source]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'source'], message: `expected sources.${r.source} to be configured` });
      if (r.action === 'start' && (!r.spec || !r.set))
        ctx.addIssue({ code: 'custom', path: at('spec'), message: 'expected spec (a template file) and set (its fields from the ticket) for a start rule' });
      if (r.action !== 'start' && !r.install)
        ctx.addIssue({ code: 'custom', path: at('install'), message: `expected install (the install's name from the ticket) for a ${r.action} rule` });
      if (r.action.startsWith('upgrade-') && !r.version)
        ctx.addIssue({ code: 'custom', path: at('version'), message: `expected version (the version from the ticket) for a ${r.action} rule` });
    });
  });

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
