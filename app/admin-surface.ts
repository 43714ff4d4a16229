import type { Logger } from '../bots/logger.ts';
import { renderMetrics } from '../bots/metrics.ts';
import { pseudonymise } from '../bots/pseudonym.ts';
import { AdminServer } from '../adapters/admin-http/admin-server.ts';
import type { BotApplication } from './bot-application.ts';
import { createConsole } from './console.ts';

/**
 * The admin listener of `passerelle serve` (`announcements.adminHost`:`adminPort`): the admin API
 * (announcements, bearer token) and the web console under /console. Started when the admin token or an
 * identity provider of the console is configured.
 */
export async function startAdminApi(app: BotApplication, logger: Logger): Promise<{ adminPort?: number; close(): Promise<void> }> {
  const { config } = app;
  const token = config.announcements.adminToken;
  if (!token && !config.console.proconnect && !config.console.entra && !config.observability.metrics) {
    logger.info('admin API and console disabled (no PASSERELLE_ADMIN_TOKEN, no identity provider, no PASSERELLE_METRICS)');
    return { close: async () => undefined };
  }
  let port = config.announcements.adminPort;
  const host = config.announcements.adminHost;
  const consoleApp = createConsole(app, logger, () => `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const server = new AdminServer({
    service: app.announcements.service,
    ...(token ? { token } : {}),
    port,
    host,
    console: consoleApp,
    metrics: { render: renderMetrics, ...(config.observability.metricsToken ? { token: config.observability.metricsToken } : {}) },
    maxChars: config.announcements.maxChars,
    logger,
    audit: (kind, client) =>
      app.state.recordAudit({
        channel: 'local', userHash: pseudonymise(`admin-api:${client}`, config.bot.pseudonymSecret), kind, citedIds: [],
        inputTokens: 0, outputTokens: 0, energyWh: 0, latencyMs: 0, abstained: true, at: new Date().toISOString(),
      }),
  });
  await server.listen();
  port = server.port;
  logger.info('admin API and console listening', { host, port });
  return { adminPort: server.port, close: () => server.close() };
}
