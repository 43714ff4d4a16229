import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../../bots/logger.ts';
import { SqliteAnnouncementStore } from '../../../state/announcement-store-sqlite.ts';
import type { AnnouncementStore, RecipientCounts } from '../../../state/announcement-store.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import type { StateStore } from '../../../state/state-store.ts';
import type { StoredReference } from '../../../bots/message.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { createAnnouncements, type Announcements, type AnnouncementsOverrides } from '../../../app/announcements.ts';
import { inProcessQueues, type AnnouncementJob } from '../../../bots/announcements/fanout-queues.ts';
import { RecordingAnnounceChannel } from './recording-channel.ts';
import { Outbound } from '../../../bots/outbound/outbound.ts';
import { createChannelLimiters } from '../../../app/channel-limiters.ts';

/**
 * Announcements wired as in the bot process, around recording channels: a state store holding Teams and
 * Matrix direct-chat references, an announcement store, in-process queues (or given ones), fast timers.
 */

export const TENANT = 'tenant-douane';

export function teamsReference(n: number, extra: Partial<StoredReference> = {}): StoredReference {
  return {
    key: `teams:a:personal-${n}`, channel: 'teams', userId: `aad-${n}`, tenant: TENANT, isDirect: true, active: true, updatedAt: new Date().toISOString(),
    reference: { conversation: { id: `a:personal-${n}`, conversationType: 'personal', tenantId: TENANT }, serviceUrl: 'https://smba.example/' }, ...extra,
  };
}

export function matrixReference(n: number, extra: Partial<StoredReference> = {}): StoredReference {
  return {
    key: `matrix:!dm-${n}:tchap.example`, channel: 'matrix', userId: `@agent${n}:tchap.example`, isDirect: true, active: true,
    updatedAt: new Date().toISOString(), reference: { roomId: `!dm-${n}:tchap.example`, isDirect: true }, ...extra,
  };
}

export interface Rig {
  config: Readonly<Config>;
  state: StateStore;
  store: AnnouncementStore;
  teams: RecordingAnnounceChannel;
  matrix: RecordingAnnounceChannel;
  announcements: Announcements;
  /** Builds another Announcements on the same stores (a restarted process), with a new owner. */
  restart(overrides?: AnnouncementsOverrides): Promise<Announcements>;
  waitForStatus(id: string, status: string, timeoutMs?: number): Promise<RecipientCounts>;
  close(): Promise<void>;
}

export interface RigOptions {
  teams?: RecordingAnnounceChannel;
  matrix?: RecordingAnnounceChannel;
  references?: StoredReference[];
  overrides?: AnnouncementsOverrides;
  store?: AnnouncementStore;
  logger?: Logger;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-announce-'));
  const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent' } });
  const state = new SqliteStateStore(':memory:');
  for (const reference of options.references ?? []) await state.saveReference(reference);
  const store = options.store ?? new SqliteAnnouncementStore(join(dir, 'announcements.sqlite'));
  const teams = options.teams ?? new RecordingAnnounceChannel('teams');
  const matrix = options.matrix ?? new RecordingAnnounceChannel('matrix');
  const channels = { teams, matrix };
  const open: Announcements[] = [];
  const make = async (overrides: AnnouncementsOverrides = {}) => {
    const rates = overrides.rates ?? options.overrides?.rates ?? { teamsPerSecond: 1_000, matrixPerSecond: 1_000 };
    // A restarted process has new limiters (the announcements' share of each channel's budget).
    const limiters = createChannelLimiters(config, rates);
    const outbound = new Outbound(state, silentLogger);
    for (const channel of Object.values(channels)) outbound.register(channel);
    const made = await createAnnouncements(
      { config, state, logger: options.logger ?? silentLogger, outbound, limiters },
      {
        store,
        queues: inProcessQueues(new InProcessJobQueue<AnnouncementJob>('t'), new InProcessJobQueue<AnnouncementJob>('m')),
        channels: ['teams', 'matrix'],
        rates: { teamsPerSecond: 1_000, matrixPerSecond: 1_000 },
        maxAttempts: 3,
        ...options.overrides,
        ...overrides,
        fanout: { tickMs: 50, backoffMs: 20, staleMs: 2_000, ...options.overrides?.fanout, ...overrides.fanout },
      },
    );
    open.push(made);
    return made;
  };
  const announcements = await make();
  return {
    config,
    state,
    store,
    teams,
    matrix,
    announcements,
    restart: make,
    async waitForStatus(id, status, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const announcement = await store.getAnnouncement(id);
        if (announcement?.status === status) return store.countRecipients(id);
        if (Date.now() > deadline) throw new Error(`announcement ${id} is ${announcement?.status}, not ${status}: ${JSON.stringify(await store.countRecipients(id))}`);
        await sleep(20);
      }
    },
    async close() {
      for (const made of open) {
        await made.consumer.stop();
        await made.queues.close();
      }
      await store.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
