import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Bull from 'bull';
import { silentLogger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { openKnowledge } from '../../../app/knowledge.ts';
import { startWorker } from '../../../app/serve.ts';
import { startSyncSchedules, syncProcessor, SYNC_LEASE } from '../../../app/sync-jobs.ts';
import type { SyncReport } from '../../../knowledge/sync/sync-report.ts';
import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { DELIVERY_QUEUE, SYNC_QUEUE, type DeliveryJob, type SyncJob } from '../../../queue/jobs.ts';
import { SqliteLeaseStore } from '../../../state/lease-store-sqlite.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import type { StoredReference } from '../../../bots/message.ts';
import { startFakeDila, type FakeDila } from '../../fakes/dila-server.ts';
import { legiArchive, SAMPLE_ARTICLES } from '../../fakes/legi-archives.ts';
import { startHarness, type Harness } from '../bot/harness.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { deleteKeysUnder, REDIS_URL, testPrefix, waitFor } from './redis-helpers.ts';

/**
 * The scheduled synchronisation (`sync.schedules`) as a repeatable queued job: in `passerelle serve` without Redis
 * (in-process queue), and as a bull repeatable job in Redis run by `passerelle worker`. Real SQLite state store,
 * real Redis, the fake DILA directory on 127.0.0.1 serving archives in the real format.
 */
const { V414_2017, V414_2024, V2, V265 } = SAMPLE_ARTICLES;
const DUMP = 'Freemium_legi_global_20240101-120000.tar.gz';
const DAY2 = 'LEGI_20240102-203000.tar.gz';
const CURATORS: StoredReference = { key: 'teams:curateurs', channel: 'teams', reference: { conversation: { id: 'curateurs' } }, isDirect: false, active: true, updatedAt: new Date().toISOString() };
const context = (id: string, attempt = 1) => ({ id, createdAt: Date.now(), attempt, signal: new AbortController().signal, reportProgress: async () => undefined });

describe('scheduled sync: a repeatable queued job, one run at a time, retried, stored and reported', function () {
  this.timeout(120_000);
  let dila: FakeDila;

  beforeEach(async () => {
    dila = await startFakeDila();
    dila.setArchive(DUMP, legiArchive('20240101-120000', [V414_2017, V2, V265]));
    dila.setArchive(DAY2, legiArchive('20240102-203000', [{ ...V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' }, V414_2024]));
  });
  afterEach(() => dila.close());

  describe('embedded (no Redis): the in-process queue of passerelle serve', () => {
    let harness: Harness;
    afterEach(() => harness?.close());

    it('runs the schedule, retries a failed run later, stores each run and sends its report to the curators through the outbound path', async () => {
      dila.fault(DAY2, { status: 503 });
      harness = await startHarness({
        ingest: false,
        overrides: { sync: { schedules: [{ name: 'legi-legal', source: 'legi', bases: ['legal'], url: dila.url, everyMinutes: 0.05 }], notify: [CURATORS.key, 'teams:inconnue'], attempts: 2, retryMinutes: 0.005 } },
      });
      const { state } = harness.app;
      await state.saveReference(CURATORS);
      harness.app.startJobs();
      await waitFor(async () => (await state.listSyncRuns(10, 'legi-legal')).length > 0, 'a first run', 60_000, 50);
      // No further scheduled run from now on: what follows is the retry of the first.
      await harness.app.queues.sync.pruneRepeats([]);
      await waitFor(async () => (await state.listSyncRuns(10, 'legi-legal')).some((run) => run.status === 'success'), 'a successful run', 60_000, 100);
      const runs = (await state.listSyncRuns(10, 'legi-legal')).reverse();
      const [failed, retried] = runs;
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.attempt, 1);
      assert.ok(failed?.retryAt, 'a retry is planned');
      const failedReport = failed?.reports[0] as SyncReport;
      assert.match(failedReport.steps.at(-1)?.error ?? '', /LEGI_20240102-203000\.tar\.gz .* a échoué : erreur du serveur \(503\)/);
      assert.equal(failedReport.steps[0]?.status, 'applied', 'the dump downloaded before the failure is applied');
      assert.equal(retried?.status, 'success');
      assert.equal(retried?.attempt, 2);
      assert.equal(retried?.id.split('#')[0], failed?.id.split('#')[0], 'the same job, tried again');
      const report = retried?.reports[0] as SyncReport;
      assert.deepEqual(report.downloaded, [DAY2]);
      assert.deepEqual(report.codes, [{ code: 'Code des douanes', added: 1, changed: 1, ended: 1, removed: 0 }]);
      await waitFor(() => harness.channel.sent.length >= 2, 'two reports sent');
      const [first, second] = harness.channel.sent.map((sent) => sent.reply);
      assert.equal(first?.kind, 'notice');
      assert.match(first?.text ?? '', /^\*\*Synchronisation « legi-legal » incomplète\*\*/);
      assert.match(first?.text ?? '', /Nouvel essai automatique le /);
      assert.match(second?.text ?? '', /^\*\*Synchronisation « legi-legal » terminée\*\* — .* \(essai n° 2\)/);
      assert.match(second?.text ?? '', /Code des douanes : 1 version nouvelle, 1 modifiée, 1 close \(fin de vigueur\), 0 supprimée\./);
    });
  });

  describe('one run at a time, and a run missed while stopped', () => {
    let temp: ReturnType<typeof makeTempDir>;
    afterEach(() => temp?.remove());

    it('skips a run while another process holds the sync lease; catches up at start a daily run missed while stopped', async () => {
      temp = makeTempDir('sync-lock');
      const archives = join(temp.path, 'archives');
      mkdirSync(archives);
      writeFileSync(join(archives, DUMP), legiArchive('20240101-120000', [V414_2017, V2]));
      const config = loadConfig({
        env: { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_LOG_LEVEL: 'silent' },
        overrides: { sync: { schedules: [{ name: 'nightly-legi', source: 'legi', bases: ['legal'], dir: archives, at: '03:00' }] } },
      });
      const knowledge = await openKnowledge(config);
      const state = new SqliteStateStore(join(config.dataDir, 'state.sqlite'));
      const leases = new SqliteLeaseStore(join(config.dataDir, 'state.sqlite'));
      const queue = new InProcessJobQueue<SyncJob>(SYNC_QUEUE);
      const deliveries = new InProcessJobQueue<DeliveryJob>(DELIVERY_QUEUE);
      try {
        const dependencies = { config, knowledge, model: undefined, queue, deliveries, runs: state, leases, logger: silentLogger };
        const run = syncProcessor(dependencies);
        assert.ok(await leases.acquire(SYNC_LEASE, 'un-autre-processus', 60_000));
        await run({ kind: 'sync', schedule: 'nightly-legi' }, context('manual-1'));
        assert.deepEqual(await state.listSyncRuns(10), [], 'skipped: another run holds the lease');
        await leases.release(SYNC_LEASE, 'un-autre-processus');
        await run({ kind: 'sync', schedule: 'nightly-legi' }, context('manual-2'));
        const [done] = await state.listSyncRuns(10);
        assert.equal(done?.status, 'success');
        assert.ok(await leases.acquire(SYNC_LEASE, 'un-autre-processus', 1), 'the run released the lease');
        await leases.release(SYNC_LEASE, 'un-autre-processus');

        // The last run started two days ago: the 03:00 run of last night was missed; started at once.
        await state.recordSyncRun({ ...(done as NonNullable<typeof done>), id: 'old#1', startedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(), finishedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
        await state.recordSyncRun({ ...(done as NonNullable<typeof done>), startedAt: new Date(Date.now() - 2 * 86_400_000 + 1000).toISOString() });
        await startSyncSchedules(dependencies);
        const caughtUp = await waitFor(async () => (await state.listSyncRuns(10)).find((entry) => entry.id.startsWith('catch-up:nightly-legi:')), 'the missed run', 30_000, 50);
        assert.equal(caughtUp.status, 'success');
        await waitFor(async () => (await queue.pending()).length === 0, 'the catch-up finished');
        await startSyncSchedules(dependencies);
        assert.deepEqual((await queue.pending()).map((job) => job.id), [], 'no second catch-up once it ran');
      } finally {
        await queue.close();
        await deliveries.close();
        await leases.close();
        await state.close();
        await knowledge.close();
      }
    });
  });

  describe('with Redis: a bull repeatable job, run by passerelle worker', () => {
    let temp: ReturnType<typeof makeTempDir>;
    let prefix: string;
    afterEach(async () => {
      await deleteKeysUnder(prefix);
      temp?.remove();
    });

    it('declares each schedule once (replaced when changed, removed when gone), runs it in the worker, stores it and hands the report to the deliveries queue', async () => {
      temp = makeTempDir('sync-worker');
      prefix = testPrefix();
      const dataDir = join(temp.path, 'data');
      const configWith = (schedules: unknown[]) =>
        loadConfig({
          env: { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'silent' },
          overrides: { queue: { redisUrl: REDIS_URL, prefix }, sync: { schedules, notify: [CURATORS.key] } },
        });
      const state = new SqliteStateStore(join(dataDir, 'state.sqlite'));
      await state.saveReference(CURATORS);
      const bull = new Bull(SYNC_QUEUE, REDIS_URL, { prefix });
      const deliveries = new BullJobQueue<DeliveryJob>(DELIVERY_QUEUE, { redisUrl: REDIS_URL, prefix });
      try {
        const first = configWith([
          { name: 'legi-legal', source: 'legi', bases: ['legal'], url: dila.url, everyMinutes: 0.02 },
          { name: 'nightly', source: 'legifrance', bases: ['legal'], at: '03:00' },
        ]);
        let worker = await startWorker(first, silentLogger, () => openKnowledge(first));
        await worker.schedules;
        await worker.close();
        worker = await startWorker(first, silentLogger, () => openKnowledge(first));
        await worker.schedules;
        const declared = (await bull.getRepeatableJobs()).map((job) => ({ id: job.id, cron: job.cron || undefined, tz: job.tz || undefined, every: job.every ? Number(job.every) : undefined }));
        assert.deepEqual(declared.sort((a, b) => String(a.id).localeCompare(String(b.id))), [
          { id: 'sync-legi-legal', cron: undefined, tz: undefined, every: 1_200 },
          { id: 'sync-nightly', cron: '0 3 * * *', tz: 'Europe/Paris', every: undefined },
        ], 'declared once although the worker started twice');
        const run = await waitFor(async () => (await state.listSyncRuns(10, 'legi-legal')).find((entry) => entry.status === 'success'), 'a run in the worker', 60_000, 100);
        assert.ok(run.id.startsWith('repeat:'), 'run by the repeatable job');
        assert.deepEqual((run.reports[0] as SyncReport).downloaded, [DUMP, DAY2]);
        const handed = await waitFor(async () => (await deliveries.pending()).find((job) => job.data.address.key === CURATORS.key), 'the report handed to the bot process');
        assert.equal(handed.data.channel, 'teams');
        assert.match(handed.data.reply.text, /^\*\*Synchronisation « legi-legal » terminée\*\*/);
        await worker.close();

        const changed = configWith([{ name: 'nightly', source: 'legifrance', bases: ['legal'], at: '04:30' }]);
        worker = await startWorker(changed, silentLogger, () => openKnowledge(changed));
        await worker.schedules;
        await worker.close();
        assert.deepEqual((await bull.getRepeatableJobs()).map((job) => [job.id, job.cron, job.tz]), [['sync-nightly', '30 4 * * *', 'Europe/Paris']]);
      } finally {
        await deliveries.close();
        await bull.close();
        await state.close();
      }
    });
  });
});
