import type { AnnouncementService } from '../../bots/announcements/announcement-service.ts';
import type { AnnouncementRoomsControl } from '../../bots/console/announcement-rooms-admin.ts';
import type { RoomSettingsAdmin } from '../../bots/console/room-settings-admin.ts';
import type { KnowledgeAdmin } from '../../bots/console/knowledge-admin.ts';
import type { SyncRunsView } from '../../bots/console/sync-runs.ts';
import type { CurationQueue } from '../../bots/curation/curation-queue.ts';
import type { StandardAnswerService } from '../../bots/curation/standard-answer-service.ts';
import type { AdminJournal, PassageRules } from '../../state/curation-store.ts';
import type { ActivityStatistics } from '../../state/state-store.ts';
import type { SessionStorage } from './sessions.ts';

/** What the console drives: the core's services, given by the composition root (app/console.ts). */
export interface ConsoleServices {
  statistics: ActivityStatistics;
  queue: CurationQueue;
  answers: StandardAnswerService;
  rules: PassageRules;
  knowledge: KnowledgeAdmin;
  /** The latest runs of the scheduled synchronisations with the official sources. */
  syncRuns: SyncRunsView;
  announcements: AnnouncementService;
  /** Room settings (`paramètres`), shown and changed by administrators. */
  roomSettings: RoomSettingsAdmin;
  /** Tchap announcement rooms; absent without a Tchap channel and a membership list. */
  announcementRooms?(): AnnouncementRoomsControl | undefined;
  /** The message as Teams and Tchap will show it (sanitised HTML, each channel's own rendering). */
  preview(markdown: string): { teams: string; tchap: string };
  /** Known conversations an announcement can name (audience picker): the audience term and a French label. */
  audienceChoices(): Promise<Array<{ term: string; label: string }>>;
  /** Passages of a base for a query (choosing a standard answer's sources). */
  passages(kb: string, query: string): Promise<Array<{ id: string; title: string; extract: string }>>;
  journal: AdminJournal;
  /** Sessions and pending sign-ins (the state store's cache). */
  sessions: SessionStorage;
}
