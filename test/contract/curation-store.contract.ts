import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CurationStore, NewStandardAnswerVersion } from '../../state/curation-store.ts';

/** The behaviour every CurationStore must have; each test uses its own ids, so stores may be shared. */
export function curationStoreContract(name: string, open: () => Promise<CurationStore>): void {
  describe(`CurationStore contract: ${name}`, function () {
    this.timeout(20_000);
    let store: CurationStore;
    let id: string;
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 3, 9, minute)).toISOString();
    const draft = (overrides: Partial<NewStandardAnswerVersion> = {}): NewStandardAnswerVersion => ({
      answerId: id, kb: 'code', questions: ['Quel est le délai de la retenue douanière ?'], text: 'Vingt-quatre heures.', sourceIds: ['CD-323-1#0'], author: 'alice@douane.gouv.fr', createdAt: at(0), ...overrides,
    });
    beforeEach(async () => {
      store = await open();
      id = `sa-${randomUUID()}`;
    });
    afterEach(() => store.close());

    it('numbers versions, publishes after review and supersedes the previous publication', async () => {
      const first = await store.proposeVersion(draft());
      assert.deepEqual([first.version, first.status], [1, 'proposed']);
      assert.ok(!(await store.publishedVersions()).some((version) => version.answerId === id), 'a proposal is not served');
      assert.equal(await store.reviewVersion(id, 1, 'published', 'bob@douane.gouv.fr', at(1)), true);
      assert.equal(await store.reviewVersion(id, 1, 'rejected', 'carol@douane.gouv.fr', at(2)), false, 'compare-and-set: already reviewed');
      const second = await store.proposeVersion(draft({ text: 'Vingt-quatre heures, renouvelables.', createdAt: at(3) }));
      assert.equal(second.version, 2);
      assert.equal(await store.reviewVersion(id, 2, 'published', 'bob@douane.gouv.fr', at(4)), true);
      const versions = await store.answerVersions(id);
      assert.deepEqual(versions.map((version) => [version.version, version.status]), [[2, 'published'], [1, 'superseded']]);
      assert.deepEqual(versions[0]?.sourceIds, ['CD-323-1#0']);
      assert.equal(versions[0]?.reviewer, 'bob@douane.gouv.fr');
      assert.equal(versions[0]?.reviewedAt, at(4));
      const published = (await store.publishedVersions()).filter((version) => version.answerId === id);
      assert.deepEqual(published.map((version) => version.version), [2]);
    });

    it('rejects with a note, withdraws a publication, lists the newest version of each answer', async () => {
      await store.proposeVersion(draft());
      assert.equal(await store.reviewVersion(id, 1, 'rejected', 'bob', at(1), 'Source manquante'), true);
      assert.equal((await store.answerVersions(id))[0]?.note, 'Source manquante');
      assert.equal(await store.withdrawAnswer(id, 'bob', at(2)), false, 'nothing published');
      await store.proposeVersion(draft({ createdAt: at(5) }));
      await store.reviewVersion(id, 2, 'published', 'bob', at(6));
      assert.equal(await store.withdrawAnswer(id, 'carol', at(7)), true);
      assert.ok(!(await store.publishedVersions()).some((version) => version.answerId === id));
      const latest = (await store.latestVersions(1_000)).filter((version) => version.answerId === id);
      assert.deepEqual(latest.map((version) => [version.version, version.status]), [[2, 'withdrawn']]);
    });

    it('gives distinct versions to concurrent proposals', async () => {
      const versions = await Promise.all([1, 2, 3, 4].map((n) => store.proposeVersion(draft({ text: `v${n}` }))));
      assert.deepEqual(versions.map((version) => version.version).sort(), [1, 2, 3, 4]);
    });

    it('keeps passage rules and handled marks', async () => {
      await store.addRule({ id, kb: 'code', chunkId: 'CD-60#0', action: 'hide', questions: ['fouille d’un véhicule'], author: 'alice', createdAt: at(0) });
      const rule = (await store.listRules()).find((kept) => kept.id === id);
      assert.deepEqual([rule?.action, rule?.chunkId, rule?.questions], ['hide', 'CD-60#0', ['fouille d’un véhicule']]);
      assert.equal(await store.removeRule(id), true);
      assert.equal(await store.removeRule(id), false);
      await store.markHandled([`${id}:a`, `${id}:b`, `${id}:a`], 'alice', at(1));
      await store.markHandled([`${id}:a`], 'bob', at(2));
      assert.deepEqual([...(await store.handledAmong([`${id}:a`, `${id}:c`, `${id}:b`]))].sort(), [`${id}:a`, `${id}:b`]);
      assert.deepEqual([...(await store.handledAmong([]))], []);
    });

    it('counts document versions and keeps ingestion failures', async () => {
      const kb = id;
      await store.recordSync(kb, [{ documentId: 'CD-60', contentHash: 'h1' }, { documentId: 'CD-1', contentHash: 'x' }], at(0));
      await store.recordSync(kb, [{ documentId: 'CD-60', contentHash: 'h1' }], at(1));
      await store.recordSync(kb, [{ documentId: 'CD-60', contentHash: 'h2' }], at(2));
      const versions = await store.documentVersions(kb, ['CD-60', 'CD-1', 'CD-2']);
      assert.deepEqual([versions.get('CD-60')?.version, versions.get('CD-60')?.changedAt, versions.get('CD-60')?.syncedAt], [2, at(2), at(2)]);
      assert.deepEqual([versions.get('CD-1')?.version, versions.has('CD-2')], [1, false]);
      await store.recordSync(kb, [{ documentId: 'CD-1', contentHash: 'x' }], at(3));
      assert.deepEqual([(await store.documentVersions(kb, ['CD-1'])).get('CD-1')?.version, (await store.documentVersions(kb, ['CD-1'])).get('CD-1')?.syncedAt], [1, at(3)]);
      await store.forgetDocuments(kb, ['CD-60']);
      assert.equal((await store.documentVersions(kb, ['CD-60'])).size, 0);
      await store.recordFailures([
        { kb, file: 'a.pdf', code: 'FILE_CORRUPT', message: 'Le fichier a.pdf est endommagé.', at: at(0) },
        { kb, file: 'b.docx', code: 'FILE_EMPTY', message: 'Le fichier b.docx est vide.', at: at(5) },
      ]);
      assert.deepEqual((await store.listFailures(kb, 10)).map((failure) => failure.file), ['b.docx', 'a.pdf']);
      assert.deepEqual(await store.listFailures(`${kb}-autre`, 10), []);
    });

    it('journals who did what, filtered by period, actor and action', async () => {
      const actor = `${id}@douane.gouv.fr`;
      await store.journal({ at: at(0), actor, role: 'admin', action: 'sign-in', details: 'Connexion par ProConnect' });
      await store.journal({ at: at(1), actor, role: 'admin', action: 'announcement-confirm', target: 'K7Q2ZPXM' });
      await store.journal({ at: at(2), actor: `autre-${id}`, role: 'curator', action: 'standard-answer-publish', target: id });
      const mine = await store.listJournal({ actor: id.toUpperCase(), limit: 10 });
      assert.deepEqual(mine.map((entry) => entry.action), ['standard-answer-publish', 'announcement-confirm', 'sign-in']);
      assert.deepEqual((await store.listJournal({ actor: `${id}@`, action: 'announcement', limit: 10 })).map((entry) => entry.target), ['K7Q2ZPXM']);
      assert.deepEqual((await store.listJournal({ actor: id, from: at(1), to: at(1), limit: 10 })).map((entry) => entry.action), ['announcement-confirm']);
      assert.equal((await store.listJournal({ actor: id, limit: 1 })).length, 1);
      assert.equal((await store.listJournal({ actor: `${id}%_`, limit: 10 })).length, 0, 'LIKE wildcards are literal');
    });
  });
}
