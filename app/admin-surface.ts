import type { ChannelAdapter } from '../bots/channel-adapter.ts';
import type { BotApplication } from './bot-application.ts';
import type { Logger } from '../bots/logger.ts';
import { pseudonymise } from '../bots/pseudonym.ts';
import type { Config } from '../config/schema.ts';
import type { AudienceDirectories, MatrixRoomDirectory } from '../bots/announcements/directories.ts';
import { AdminServer } from '../adapters/admin-http/admin-server.ts';

/**
 * What `passerelle serve` adds for announcements once the channels exist: the audience directories
 * (Microsoft Graph for `equipe:`/`groupe:` when the Teams app has credentials, the Matrix client for
 * `membres:`) and, when `announcements.adminToken` is set, the admin API.
 */
export async function startAnnouncementSurface(app: BotApplication, adapters: readonly ChannelAdapter[], logger: Logger): Promise<{ adminPort?: number; close(): Promise<void> }> {
  const { config } = app;
  await wireDirectories(app.announcements.directories, config, adapters, logger);
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

export async function wireDirectories(directories: AudienceDirectories, config: Readonly<Config>, adapters: readonly ChannelAdapter[], logger: Logger): Promise<void> {
  if (config.teams.enabled && config.teams.appId) {
    try {
      const { teamsCredentialsOf } = await import('../adapters/teams/authentication.ts');
      const { GraphDirectory } = await import('../adapters/teams/graph-directory.ts');
      const credentials = teamsCredentialsOf(config);
      if (credentials) {
        directories.teams = new GraphDirectory({
          tenantId: credentials.tenantId,
          clientId: credentials.appId,
          ...(credentials.password ? { clientSecret: credentials.password } : {}),
          ...(credentials.certificate ? { certificate: credentials.certificate } : {}),
          authorityHost: config.teams.authorityHost,
          graphUrl: config.teams.graphUrl,
          logger,
        });
      }
    } catch (error) {
      logger.warn('announcements: Microsoft Graph directory unavailable', { error });
    }
  }
  const matrix = adapters.find((adapter) => adapter.name === 'matrix');
  if (matrix) {
    directories.matrix = matrixRoomDirectory(matrix);
    if (config.matrix.userId) directories.matrixBotUserId = config.matrix.userId;
  }
}

/** Joined members of a Tchap room, through the Matrix adapter's client (after start). */
export function matrixRoomDirectory(adapter: ChannelAdapter): MatrixRoomDirectory {
  return {
    async joinedMembers(roomId) {
      const client = (adapter as unknown as { client?: { getJoinedRoomMembers(id: string): Promise<{ joined: Record<string, unknown> }> } }).client;
      if (!client) throw new Error('matrix client not available');
      return Object.keys((await client.getJoinedRoomMembers(roomId)).joined);
    },
  };
}
