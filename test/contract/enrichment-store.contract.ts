import assert from 'node:assert/strict';
import { textHash, type EnrichmentEntry } from '../../knowledge/enrichment/enrichment.ts';
import type { EnrichmentStore } from '../../knowledge/enrichment/enrichment-store.ts';

/** The behaviour every EnrichmentStore must have; each test uses its own base name. */
export function enrichmentStoreContract(name: string, open: () => Promise<EnrichmentStore>): void {
  describe(`EnrichmentStore contract: ${name}`, function () {
    this.timeout(20_000);
    let store: EnrichmentStore;
    let kb: string;
    const entry = (id: string, overrides: Partial<EnrichmentEntry> = {}): EnrichmentEntry => ({
      id, text_sha256: textHash(`texte ${id}`), subject: `Objet ${id}`, questions: ['une question ?'], terms: ['terme'], origin: 'model', status: 'draft', model: 'fake', ...overrides,
    });
    beforeEach(async () => {
      store = await open();
      kb = `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
    });
    afterEach(async () => {
      for (const kept of await store.list(kb)) await store.remove(kb, kept.id);
      await store.close();
    });

    it('stores, replaces and returns an entry by base and document', async () => {
      await store.put(kb, entry('CD-414'));
      assert.equal((await store.get(kb, 'CD-414'))?.origin, 'model');
      await store.put(kb, entry('CD-414', { origin: 'curator', status: 'approved', subject: 'Corrigé' }));
      const replaced = await store.get(kb, 'CD-414');
      assert.deepEqual([replaced?.origin, replaced?.status, replaced?.subject], ['curator', 'approved', 'Corrigé']);
      assert.equal(await store.get(`${kb}-other`, 'CD-414'), undefined);
      assert.equal(await store.get(kb, 'CD-1'), undefined);
    });

    it('lists a base’s entries by id, filtered by status and origin', async () => {
      await store.put(kb, entry('CD-60'));
      await store.put(kb, entry('CD-1', { status: 'approved' }));
      await store.put(kb, entry('CD-414', { origin: 'curator', status: 'approved' }));
      await store.put(`${kb}-other`, entry('CD-2'));
      assert.deepEqual((await store.list(kb)).map((kept) => kept.id), ['CD-1', 'CD-414', 'CD-60']);
      assert.deepEqual((await store.list(kb, { status: 'draft' })).map((kept) => kept.id), ['CD-60']);
      assert.deepEqual((await store.list(kb, { status: 'approved', origin: 'model' })).map((kept) => kept.id), ['CD-1']);
      assert.deepEqual(await store.list(`${kb}-none`), []);
      await store.remove(`${kb}-other`, 'CD-2');
    });

    it('removes an entry and says whether there was one; refuses an invalid entry', async () => {
      await store.put(kb, entry('CD-60'));
      assert.equal(await store.remove(kb, 'CD-60'), true);
      assert.equal(await store.remove(kb, 'CD-60'), false);
      await assert.rejects(store.put(kb, { ...entry('CD-61'), text_sha256: 'pas-un-hash' }));
    });
  });
}
