// webhook: the webhook server alone (kinstall dev starts the same one).
import type { ConnectionFlags } from '../connection-profile.js';
import { connectClient } from '../connection.js';
import { CliError } from '../cli-error.js';
import { loadWebhookConfig } from '../webhooks/load-config.js';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from '../webhooks/webhook-server.js';

export interface WebhookSettings {
  config?: string;
  port: number;
  host: string;
}

/** The webhook server on this process's Temporal client; `kinstall dev` adds its fallbacks. */
export async function startInstallWebhookServer(
  opts: ConnectionFlags & WebhookSettings,
  extra: Pick<WebhookServerOptions, 'referenceFallbacks'> = {},
): Promise<WebhookServer> {
  const loaded = await loadWebhookConfig(opts.config);
  const client = await connectClient(opts);
  try {
    const server = await startWebhookServer({ loaded, client, port: opts.port, host: opts.host, log: (line) => console.log(line), ...extra });
    const close = async () => {
      await server.close();
      await client.connection.close();
    };
    return { ...server, close };
  } catch (err) {
    await client.connection.close();
    throw new CliError(`webhook server: cannot listen on ${opts.host}:${opts.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export async function webhookCommand(opts: ConnectionFlags & WebhookSettings): Promise<void> {
  const server = await startInstallWebhookServer(opts);
  console.log(`Webhook server on ${server.url} (POST /webhooks/jira, /webhooks/servicenow, /webhooks/generic; GET /healthz); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
}
