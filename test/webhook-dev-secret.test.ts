// kinstall dev's Jira webhook secret: with KATONIC_JIRA_WEBHOOK_SECRET unset, the demo config's
// env: reference is read from <dataDir>/jira-webhook-secret, made once, mode 0600. Checked on the
// real webhook server over a real socket, with deliveries that need no Temporal server (an
// authentic event no rule maps is answered 202; a forged one 401).
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../client/dev/free-port.js';
import { devJiraSecret, JIRA_SECRET_ENV } from '../client/webhooks/dev-secret.js';
import { loadWebhookConfig } from '../client/webhooks/load-config.js';
import { startWebhookServer } from '../client/webhooks/webhook-server.js';
import { jiraHeaders, jiraTransition, post } from './support/webhook-deliveries.js';

describe("kinstall dev's webhook secret (real webhook server, plain HTTP over a socket)", () => {
  it('is made once in the data dir, mode 0600, and signs deliveries the demo config accepts', async () => {
    const saved = process.env[JIRA_SECRET_ENV];
    delete process.env[JIRA_SECRET_ENV];
    const dir = await mkdtemp(join(tmpdir(), 'katonic-dev-secret-'));
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    try {
      const made = await devJiraSecret(dir);
      expect(made.file).toBe(join(dir, 'jira-webhook-secret'));
      expect((await stat(made.file!)).mode & 0o777).toBe(0o600);
      const secret = (await readFile(made.file!, 'utf8')).trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(await devJiraSecret(dir)).toEqual(made);
      expect((await readFile(made.file!, 'utf8')).trim()).toBe(secret);

      const server = await startWebhookServer({
        loaded: await loadWebhookConfig(),
        client: new Client({ connection }),
        port: await freePort(),
        host: '127.0.0.1',
        referenceFallbacks: made.fallbacks,
      });
      try {
        const raw = JSON.stringify(jiraTransition('OPS-1', 'In Progress'));
        const url = `${server.url}/webhooks/jira`;
        expect(await post(url, raw, jiraHeaders(raw, secret))).toMatchObject({
          status: 202,
          body: { ignored: 'no rule for jira jira:issue_updated to status In Progress' },
        });
        expect(await post(url, raw, jiraHeaders(raw, 'another'))).toMatchObject({ status: 401 });
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await connection.close();
      if (saved !== undefined) process.env[JIRA_SECRET_ENV] = saved;
    }
  });
});
