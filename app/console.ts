import { join } from 'node:path';
import { RoomSettingsAdmin } from '../bots/console/room-settings-admin.ts';
import { markdownToHtml } from '../adapters/matrix/html.ts';
import { teamsPreviewHtml } from '../adapters/teams/message-preview.ts';
import { ConsoleApp } from '../adapters/console/console-app.ts';
import { OidcProvider } from '../adapters/console/oidc-provider.ts';
import { KnowledgeAdmin } from '../bots/console/knowledge-admin.ts';
import { SyncRunsView } from '../bots/console/sync-runs.ts';
import { CurationQueue } from '../bots/curation/curation-queue.ts';
import { StandardAnswerService } from '../bots/curation/standard-answer-service.ts';
import type { Logger } from '../bots/logger.ts';
import { Enricher } from '../knowledge/enrichment/enricher.ts';
import type { BotApplication } from './bot-application.ts';

/**
 * The web console of `passerelle serve` (adapters/console), wired to the application's services: the
 * curation queue and standard answers, the knowledge bases (through the ingestion service), announcements,
 * the overview's statistics, the admin journal; sessions in the state store's cache; ProConnect and Entra ID
 * from configuration.
 */
export function createConsole(app: BotApplication, logger: Logger, publicUrl: () => string): ConsoleApp {
  const { config, knowledge, state, curation } = app;
  const entries = knowledge.enrichment?.store;
  const lookup = knowledge.enrichment?.lookup;
  const enricher = entries && lookup
    ? new Enricher(knowledge.store, entries, lookup, knowledge.encoder, knowledge.embedding, { embedderCeiling: config.embeddings.ceiling, timeoutMs: config.chatModel.timeoutMs })
    : undefined;
  const providers: OidcProvider[] = [];
  const { proconnect, entra } = config.console;
  if (proconnect) {
    providers.push(new OidcProvider({
      id: 'proconnect', label: 'ProConnect', issuer: proconnect.issuer, clientId: proconnect.clientId, ...(proconnect.clientSecret ? { clientSecret: proconnect.clientSecret } : {}),
      scopes: proconnect.scopes ?? ['openid', 'email', 'given_name', 'usual_name', 'uid'],
      rules: { admins: proconnect.admins, curators: proconnect.curators, readers: proconnect.readers, defaultClaims: ['email'] },
      userinfo: true,
    }, logger));
  }
  if (entra) {
    providers.push(new OidcProvider({
      id: 'entra', label: 'Microsoft Entra ID', issuer: entra.issuer, clientId: entra.clientId, ...(entra.clientSecret ? { clientSecret: entra.clientSecret } : {}),
      scopes: entra.scopes ?? ['openid', 'email', 'profile'],
      rules: { admins: entra.admins, curators: entra.curators, readers: entra.readers, defaultClaims: ['groups', 'roles'] },
      userinfo: false,
    }, logger));
  }
  return new ConsoleApp({
    services: {
      statistics: state,
      queue: new CurationQueue({ log: state, marks: curation, chunks: knowledge.store }),
      answers: new StandardAnswerService({ store: curation, catalog: knowledge.catalog, chunks: knowledge.store, changed: () => app.curated.refresh() }),
      rules: {
        addRule: async (rule) => {
          await curation.addRule(rule);
          app.curated.refresh();
        },
        removeRule: async (id) => {
          const removed = await curation.removeRule(id);
          app.curated.refresh();
          return removed;
        },
        listRules: () => curation.listRules(),
      },
      knowledge: new KnowledgeAdmin({
        catalog: knowledge.catalog, store: knowledge.store, ingestion: knowledge.ingestion, ledger: curation, rootDir: config.rootDir,
        uploadsDir: join(config.dataDir, 'console-uploads'),
        ...(entries ? { enrichment: entries } : {}),
        ...(enricher ? { reindexEnrichment: (kb: string, ids: string[]) => enricher.reindex(kb, ids) } : {}),
      }),
      syncRuns: new SyncRunsView(state),
      announcements: app.announcements.service,
      roomSettings: new RoomSettingsAdmin(knowledge.catalog, state),
      announcementRooms: () => (app.announcements.directories.announcementRooms ? app.announcements.rooms : undefined),
      preview: (markdown) => ({ teams: teamsPreviewHtml(markdown), tchap: markdownToHtml(markdown) }),
      audienceChoices: async () => {
        const enabled = new Set([...(config.teams.enabled ? ['teams'] : []), ...(config.matrix.enabled ? ['matrix'] : [])]);
        const references = (await state.listReferences({ activeOnly: true }))
          .filter((reference) => enabled.has(reference.channel) && !reference.key.includes(';messageid='))
          .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
          .slice(0, 200);
        const channel = (name: string) => (name === 'matrix' ? 'Tchap' : 'Teams');
        return references.map((reference) =>
          reference.isDirect && reference.userId
            ? { term: `utilisateurs:${reference.userId}`, label: `${channel(reference.channel)} — utilisateur ${reference.userId}` }
            : { term: `salons:${reference.key.slice(reference.channel.length + 1)}`, label: `${channel(reference.channel)} — salon ou équipe ${reference.key.slice(reference.channel.length + 1)}` },
        );
      },
      passages: async (kb, query) => {
        const result = await knowledge.retriever.retrieve({ question: query, kb, maxClassification: 'diffusion-restreinte', limit: 10 });
        return result.passages.map((passage) => ({ id: passage.chunk.id, title: passage.chunk.title, extract: passage.chunk.text.replace(/\s+/g, ' ').slice(0, 240) }));
      },
      journal: curation,
      sessions: state,
    },
    ...(config.announcements.adminToken ? { adminToken: config.announcements.adminToken } : {}),
    providers,
    sessionMs: config.console.sessionMinutes * 60_000,
    idleMs: config.console.idleMinutes * 60_000,
    secureCookies: (config.console.publicUrl ?? '').startsWith('https:'),
    maxUploadBytes: config.ingestion.maxFileBytes + 1_000_000,
    publicUrl: () => config.console.publicUrl ?? publicUrl(),
    logger,
  });
}
