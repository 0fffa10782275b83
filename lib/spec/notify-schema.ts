// spec.notify: where an install's progress is posted as comments on its ticket. Jira: the
// issue metadata.ticket names, on a Jira Cloud site, as a user with an API token. ServiceNow:
// work notes on one record (table and sys_id), as a user with a password, and, if statusField
// names one, the install's live status in that field of the record. Credentials are
// references, read by the worker when it posts.
import { z } from 'zod';
import { secretRef } from './secret-ref.js';

const siteUrl = z
  .url({ protocol: /^https?$/, error: 'expected the site URL, such as https://acme.atlassian.net' })
  .refine((u) => !/[?#]/.test(u), 'expected a URL without query or fragment');

/** Journal fields: a write adds an entry instead of setting the value. */
const JOURNALS = ['work_notes', 'comments', 'comments_and_work_notes'];

export const notifySchema = z.strictObject({
  jira: z.strictObject({ url: siteUrl, user: z.string().min(1).max(200), tokenRef: secretRef }).optional(),
  servicenow: z
    .strictObject({
      url: siteUrl,
      table: z.string().regex(/^[a-z][a-z0-9_]{0,79}$/, 'expected a table name such as sc_req_item or change_request'),
      sysId: z.string().regex(/^[0-9a-f]{32}$/, 'expected a sys_id: 32 hexadecimal digits'),
      user: z.string().min(1).max(200),
      passwordRef: secretRef,
      /** A column set in place with the status line: not a system field (read-only) nor a journal (each write adds an entry). */
      statusField: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,79}$/, 'expected a column name such as u_katonic_status')
        .refine((f) => !f.startsWith('sys_') && !JOURNALS.includes(f), 'expected a column set in place, not a sys_ field or a journal (work_notes, comments)')
        .optional(),
    })
    .optional(),
});

export type NotifySpec = z.infer<typeof notifySchema>;
