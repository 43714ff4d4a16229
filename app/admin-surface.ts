import type { Logger } from '../bots/logger.ts';
import { pseudonymise } from '../bots/pseudonym.ts';
import { AdminServer } from '../adapters/admin-http/admin-server.ts';
import type { BotApplication } from './bot-application.ts';

/** The admin API of `passerelle serve` (announcements), when `announcements.adminToken` is set. */
export async function startAdminApi(app: BotApplication, logger: Logger): Promise<{ adminPort?: number; close(): Promise<void> }> {
  const { config } = app;
  const token = config.announcements.adminToken;
  if (!token) {
    logger.info('admin API disabled (no PASSERELLE_ADMIN_TOKEN)');
    return { close: async () => undefined };
  }
  const server = new AdminServer({
    service: app.announcements.service,
    token,
    port: config.announcements.adminPort,
    maxChars: config.announcements.maxChars,
    logger,
    audit: (kind, client) =>
      app.state.recordAudit({
        channel: 'local', userHash: pseudonymise(`admin-api:${client}`, config.bot.pseudonymSecret), kind, citedIds: [],
        inputTokens: 0, outputTokens: 0, energyWh: 0, latencyMs: 0, abstained: true, at: new Date().toISOString(),
      }),
  });
  await server.listen();
  logger.info('admin API listening', { port: server.port });
  return { adminPort: server.port, close: () => server.close() };
}
