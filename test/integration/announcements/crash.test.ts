import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../../bots/logger.ts';
import { SqliteAnnouncementStore } from '../../../state/announcement-store-sqlite.ts';
import type { RecipientRecord } from '../../../state/announcement-store.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { createAnnouncements } from '../../../app/announcements.ts';
import { createChannelLimiters } from '../../../app/channel-limiters.ts';
import { Outbound } from '../../../bots/outbound/outbound.ts';
import { inProcessQueues, type AnnouncementJob } from '../../../bots/announcements/fanout-queues.ts';
import { deleteKeysUnder, REDIS_URL, testPrefix } from '../workers/redis-helpers.ts';
import { matrixReference, teamsReference } from './rig.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const RECIPIENTS = 300;

interface Scenario {
  label: string;
  redis: boolean;
  idempotent: boolean;
  kills: number;
}

describe('announcements / consumer killed with SIGKILL mid-fan-out, then restarted', function () {
  this.timeout(90_000);
  const scenarios: Scenario[] = [
    { label: 'bull on Redis, channel without idempotent sends (Teams-like), killed twice', redis: true, idempotent: false, kills: 2 },
    { label: 'bull on Redis, channel with idempotent sends (Matrix transaction ids)', redis: true, idempotent: true, kills: 1 },
    { label: 'in-process queue (no Redis): the store alone drives the recovery', redis: false, idempotent: false, kills: 1 },
  ];

  for (const scenario of scenarios) {
    it(scenario.label, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'passerelle-crash-'));
      const prefix = testPrefix();
      const storeFile = join(dir, 'state.sqlite');
      const logFile = join(dir, 'deliveries.jsonl');
      const children: ChildProcess[] = [];
      const childEnv = {
        ...process.env, STORE_FILE: storeFile, DELIVERY_LOG: logFile, QUEUE_PREFIX: prefix, LATENCY_MS: '40', RATE: '150',
        CHANNEL_IDEMPOTENT: scenario.idempotent ? '1' : '0', ...(scenario.redis ? { REDIS_URL } : { REDIS_URL: '' }),
      };
      const spawnChild = async (): Promise<ChildProcess> => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', CHILD], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
          child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
        });
        return child;
      };
      const lines = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: string }) : []);
      const store = new SqliteAnnouncementStore(storeFile);
      try {
        // The admin's side: an announcement to 300 people, its jobs enqueued (and lost, for the in-process queue).
        const state = new SqliteStateStore(':memory:');
        for (let n = 1; n <= RECIPIENTS / 2; n++) {
          await state.saveReference(teamsReference(n));
          await state.saveReference(matrixReference(n));
        }
        const queue = (name: string) => (scenario.redis ? new BullJobQueue<AnnouncementJob>(name, { redisUrl: REDIS_URL, prefix }) : new InProcessJobQueue<AnnouncementJob>(name));
        const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent' } });
        const admin = await createAnnouncements(
          { config, state, logger: silentLogger, outbound: new Outbound(state, silentLogger), limiters: createChannelLimiters(config) },
          { store, queues: inProcessQueues(queue('passerelle-announce-teams'), queue('passerelle-announce-matrix')), channels: ['teams', 'matrix'] },
        );
        const { announcement } = await admin.service.submit({ to: 'tous', markdown: 'Exercice de reprise', createdBy: 'api', origin: 'api' });
        await admin.consumer.stop(); // waits for the background enqueue
        await admin.queues.close();
        await state.close();

        let child = await spawnChild();
        for (let kill = 1; kill <= scenario.kills; kill++) {
          const threshold = (RECIPIENTS * kill) / (scenario.kills + 2);
          while (lines().length < threshold) await sleep(5);
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
          const interrupted = await store.listRecipients(announcement.id, { statuses: ['sending'] });
          assert.ok(interrupted.length > 0 || scenario.idempotent, `killed while sends were in flight (${interrupted.length} rows in 'sending')`);
          child = await spawnChild();
        }
        const deadline = Date.now() + 60_000;
        while ((await store.getAnnouncement(announcement.id))?.status !== 'completed') {
          if (Date.now() > deadline) throw new Error(`not completed: ${JSON.stringify(await store.countRecipients(announcement.id))}`);
          await sleep(50);
        }

        const received = new Map<string, number>();
        for (const line of lines()) received.set(line.key, (received.get(line.key) ?? 0) + 1);
        const recipients: RecipientRecord[] = await store.listRecipients(announcement.id);
        assert.equal(recipients.length, RECIPIENTS);
        const counts = await store.countRecipients(announcement.id);
        for (const recipient of recipients) {
          const times = received.get(recipient.address!.key) ?? 0;
          assert.ok(times <= 1, `${recipient.target} received the announcement ${times} times`);
          if (recipient.status === 'sent') assert.equal(times, 1, `${recipient.target} is reported sent but received nothing`);
          else {
            assert.equal(recipient.status, 'failed', `${recipient.target} is ${recipient.status}`);
            assert.equal(recipient.errorCode, 'interrupted');
            assert.match(recipient.reason ?? '', /interrompu/);
          }
        }
        assert.equal(counts.pending + counts.sending, 0, 'nobody skipped');
        if (scenario.idempotent) assert.equal(counts.sent, RECIPIENTS, 'idempotent channel: every interrupted send was completed, exactly once');
        else assert.ok(counts.failed <= 8 * 2 * scenario.kills, `only sends in flight at a kill are uncertain (${counts.failed})`);
        process.stderr.write(`      ${scenario.label}: ${counts.sent} sent, ${counts.failed} reported interrupted, ${[...received.values()].filter((n) => n > 1).length} duplicates\n`);
      } finally {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await store.close();
        if (scenario.redis) await deleteKeysUnder(prefix);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
