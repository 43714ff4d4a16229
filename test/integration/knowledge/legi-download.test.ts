import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PasserelleError } from '../../../bots/errors.ts';
import { archivesToFetch, LegiDownloader } from '../../../knowledge/sync/legi-download.ts';
import type { SyncReport } from '../../../knowledge/sync/sync-report.ts';
import { startFakeDila, type FakeDila } from '../../fakes/dila-server.ts';
import { legiArchive, SAMPLE_ARTICLES } from '../../fakes/legi-archives.ts';
import { recordOutboundRequests } from '../../fakes/outbound-requests.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * `passerelle sync legi --url`: the archives are downloaded from a fake DILA directory on 127.0.0.1 (Apache index,
 * Range requests) in the real archive format, then applied. Only archives newer than the last applied are fetched;
 * an interrupted download resumes with a Range request; failures are French catalogue errors.
 */
const { V414_2017, V414_2024, V2, V265 } = SAMPLE_ARTICLES;
const DUMP = 'Freemium_legi_global_20240101-120000.tar.gz';
const DAY2 = 'LEGI_20240102-203000.tar.gz';
const DAY3 = 'LEGI_20240103-203000.tar.gz';
const DAY4 = 'LEGI_20240104-203000.tar.gz';

describe('sync legi --url: LEGI archives downloaded from DILA’s directory', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let dila: FakeDila;
  let env: Record<string, string>;
  const downloads = () => join(temp.path, 'data', 'sync', 'legi-archives');
  const sync = async () => {
    const run = await cli(['sync', 'legi', '--kb', 'legal', '--url', dila.url, '--json'], env);
    assert.ok(run.code === 0 || run.code === 3, run.err);
    return { code: run.code, report: JSON.parse(run.out) as SyncReport };
  };
  const archiveRequests = () => dila.requests.filter((request) => request.includes('.tar.gz'));

  before(async () => {
    temp = makeTempDir('legi-download');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    dila = await startFakeDila();
    // An old dump (superseded), the latest dump, and an increment older than it: only the dump and what follows it.
    dila.setArchive('Freemium_legi_global_20231201-120000.tar.gz', legiArchive('20231201-120000', [V2]));
    dila.setArchive('LEGI_20231231-203000.tar.gz', legiArchive('20231231-203000', [V2]));
    dila.setArchive(DUMP, legiArchive('20240101-120000', [V414_2017, V2, V265]));
    dila.setArchive(DAY2, legiArchive('20240102-203000', [{ ...V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' }, V414_2024]));
  });
  after(async () => {
    await dila?.close();
    temp?.remove();
  });

  it('reads the directory index and fetches the latest full dump and the increments after it, then applies them', async () => {
    const { code, report } = await sync();
    assert.equal(code, 0);
    assert.deepEqual(report.downloaded, [DUMP, DAY2]);
    assert.deepEqual(archiveRequests(), [`GET /OPENDATA/LEGI/${DUMP}`, `GET /OPENDATA/LEGI/${DAY2}`]);
    assert.deepEqual(report.steps.map((step) => [step.name, step.status]), [[DUMP, 'applied'], [DAY2, 'applied']]);
    assert.deepEqual(readdirSync(downloads()).sort(), [DUMP, DAY2].sort(), 'whole archives only, no .part left');
    assert.deepEqual(report.codes, [{ code: 'Code des douanes', added: 4, changed: 1, ended: 1, removed: 0 }]);
  });

  it('downloads nothing again, and then only the increments newer than the last applied', async () => {
    dila.requests.length = 0;
    const again = await sync();
    assert.equal(again.code, 0);
    assert.deepEqual(again.report.downloaded, []);
    assert.deepEqual(archiveRequests(), []);
    dila.setArchive(DAY3, legiArchive('20240103-203000', [{ ...V2, text: `${V2.text} Modifié le 3.` }]));
    const next = await sync();
    assert.deepEqual(next.report.downloaded, [DAY3]);
    assert.deepEqual(archiveRequests(), [`GET /OPENDATA/LEGI/${DAY3}`]);
    assert.deepEqual(next.report.steps.filter((step) => step.status === 'applied').map((step) => step.name), [DAY3]);
  });

  it('resumes an interrupted download with a Range request, and applies nothing of it before it is whole', async () => {
    const whole = legiArchive('20240104-203000', [{ ...V2, text: `${V2.text} Modifié le 4.` }], [V265.id]);
    dila.setArchive(DAY4, whole);
    const cut = Math.floor(whole.length / 2);
    dila.fault(DAY4, { cutAfter: cut });
    dila.requests.length = 0;
    const failed = await sync();
    assert.equal(failed.code, 3);
    const step = failed.report.steps.find((entry) => entry.name === DAY4);
    assert.equal(step?.status, 'failed');
    assert.match(step?.error ?? '', /Le téléchargement de LEGI_20240104-203000\.tar\.gz depuis http:\/\/127\.0\.0\.1:\d+ a échoué : (archive tronquée|transfert interrompu)/);
    assert.equal(existsSync(join(downloads(), DAY4)), false, 'never under its own name while incomplete');
    // What arrived is kept (all of it, unless the connection's end overtook the last bytes).
    const kept = statSync(join(downloads(), `${DAY4}.part`)).size;
    assert.ok(kept > 0 && kept <= cut, `${kept} bytes kept of ${cut}`);
    dila.requests.length = 0;
    const resumed = await sync();
    assert.equal(resumed.code, 0);
    assert.deepEqual(archiveRequests(), [`GET /OPENDATA/LEGI/${DAY4} bytes=${kept}-`]);
    assert.deepEqual(resumed.report.steps.filter((entry) => entry.status === 'applied').map((entry) => entry.name), [DAY4]);
    assert.equal(statSync(join(downloads(), DAY4)).size, whole.length);
    assert.ok(resumed.report.changedArticles.includes('265 (supprimé, LEGIARTI000038069769)'));
  });

  it('says in French when an archive is missing (404), the server fails (500) or the index is unavailable', async () => {
    const day5 = 'LEGI_20240105-203000.tar.gz';
    dila.setArchive(day5, legiArchive('20240105-203000', [V2]));
    dila.fault(day5, { status: 404 });
    const missing = await sync();
    assert.equal(missing.code, 3);
    assert.match(missing.report.steps.at(-1)?.error ?? '', /Le téléchargement de LEGI_20240105-203000\.tar\.gz depuis .* est refusé : introuvable \(404\)/);
    dila.fault(day5, { status: 503 });
    const down = await sync();
    assert.match(down.report.steps.at(-1)?.error ?? '', /a échoué : erreur du serveur \(503\)\. Il reprendra/);
    assert.deepEqual(down.report.failure, { code: 'SYNC_DOWNLOAD_FAILED', retryable: true });
    dila.indexStatus(500);
    const index = await sync();
    assert.match(index.report.steps.at(-1)?.error ?? '', /répertoire LEGI .* erreur du serveur \(500\)/);
    dila.indexStatus(undefined);
    const fine = await sync();
    assert.equal(fine.code, 0);
    assert.deepEqual(fine.report.downloaded, [day5]);
  });

  it('refuses a redirect without following it', async () => {
    const day6 = 'LEGI_20240106-203000.tar.gz';
    const elsewhere = await startFakeDila();
    const recorder = recordOutboundRequests();
    try {
      dila.setArchive(day6, legiArchive('20240106-203000', [V2]));
      dila.fault(day6, { redirectTo: `${elsewhere.url}${day6}` });
      const run = await sync();
      assert.equal(run.code, 3);
      assert.match(run.report.steps.at(-1)?.error ?? '', /est refusé : redirection \(302\) non suivie/);
      assert.deepEqual(recorder.to(elsewhere.url), [], 'nothing reached the host the redirect pointed to');
      assert.deepEqual(elsewhere.requests, []);
    } finally {
      recorder.stop();
      await elsewhere.close();
    }
  });

  it('caps the size (announced, or as the bytes come) and reports a full disk', async () => {
    const folder = join(temp.path, 'capped');
    mkdirSync(folder);
    const name = 'LEGI_20240201-203000.tar.gz';
    dila.setArchive(name, legiArchive('20240201-203000', [V414_2024, V2, V265]));
    const small = new LegiDownloader({ maxBytes: 200, timeoutMs: 10_000 });
    await assert.rejects(small.download(dila.url, name, folder), (error: unknown) => error instanceof PasserelleError && error.code === 'SYNC_DOWNLOAD_REFUSED' && /au-delà de la limite de 200 octets/.test(error.userMessage));
    assert.equal(existsSync(join(folder, name)), false);
    // Unannounced (chunked): stopped as the bytes pass the cap, nothing kept.
    dila.fault(name, { unannounced: true });
    await assert.rejects(small.download(dila.url, name, folder), (error: unknown) => error instanceof PasserelleError && error.code === 'SYNC_DOWNLOAD_REFUSED' && /archive au-delà de la limite de 200 octets/.test(error.userMessage));
    assert.equal(existsSync(join(folder, name)), false);
    assert.equal(statSync(join(folder, `${name}.part`)).size, 0, 'the refused bytes are not kept for a resumption');
    // A real full disk: the partial file is /dev/full, where every write fails with ENOSPC.
    const full = join(temp.path, 'full');
    mkdirSync(full);
    symlinkSync('/dev/full', join(full, `${name}.part`));
    const downloader = new LegiDownloader({ maxBytes: 10_000_000, timeoutMs: 10_000 });
    await assert.rejects(downloader.download(dila.url, name, full), (error: unknown) => error instanceof PasserelleError && error.code === 'SYNC_DISK_FULL' && /Plus de place sur le disque pour enregistrer LEGI_20240201-203000\.tar\.gz/.test(error.userMessage));
  });

  it('chooses what to fetch: after the last applied, only newer increments; from nothing, the latest dump onwards', () => {
    const listed = ['LEGI_20240102-203000.tar.gz', 'Freemium_legi_global_20240101-120000.tar.gz', 'LEGI_20231231-203000.tar.gz', 'Freemium_legi_global_20231201-120000.tar.gz', 'Freemium_legi_global_20240301-120000.tar.gz', 'LEGI_20240302-203000.tar.gz'];
    assert.deepEqual(archivesToFetch(listed, undefined), ['Freemium_legi_global_20240301-120000.tar.gz', 'LEGI_20240302-203000.tar.gz']);
    assert.deepEqual(archivesToFetch(listed, 'LEGI_20240102-203000.tar.gz'), ['LEGI_20240302-203000.tar.gz'], 'a newer dump is not fetched again while increments are followed');
  });
});
