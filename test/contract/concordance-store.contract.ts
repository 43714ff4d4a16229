import assert from 'node:assert/strict';
import type { ConcordanceRow, ConcordanceStore } from '../../knowledge/versions/concordance.ts';

/** The behaviour every ConcordanceStore must have; each test uses its own base name. */
export function concordanceStoreContract(name: string, open: () => Promise<ConcordanceStore>): void {
  describe(`ConcordanceStore contract: ${name}`, function () {
    this.timeout(20_000);
    let store: ConcordanceStore;
    let kb: string;
    const CD = 'Code des douanes';
    const rows: ConcordanceRow[] = [
      { code: CD, oldNumber: '414', newNumber: 'L. 512-1', date: '2027-01-01', kind: 'moved' },
      { code: CD, oldNumber: '60', newNumber: 'L. 231-1', date: '2027-01-01', kind: 'split' },
      { code: CD, oldNumber: '60', newNumber: 'L. 231-2', date: '2027-01-01', kind: 'split' },
      { code: CD, oldNumber: '67 bis', newNumber: 'L. 233-4', kind: 'merged' },
      { code: CD, oldNumber: '67 ter', newNumber: 'L. 233-4', kind: 'merged' },
      { code: CD, oldNumber: '265', newCode: 'Code des impositions sur les biens et services', newNumber: 'L. 312-35', kind: 'moved', note: 'accises' },
      { code: CD, oldNumber: '285 sexies', kind: 'repealed', date: '2020-01-01' },
    ];

    beforeEach(async () => {
      store = await open();
      kb = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
    });
    afterEach(async () => {
      await store.replace(kb, [CD, 'Autre code'], []).catch(() => undefined);
      await store.close();
    });

    it('is empty for a base never written', async () => {
      assert.deepEqual(await store.list(kb), []);
      assert.deepEqual(await store.forward(kb, '414'), []);
      assert.deepEqual(await store.backward(kb, 'L. 512-1'), []);
    });

    it('finds the new numbers of an old one and the old numbers of a new one, whatever the spelling', async () => {
      assert.equal(await store.replace(kb, [CD], rows), rows.length);
      assert.deepEqual((await store.forward(kb, '60')).map((row) => row.newNumber), ['L. 231-1', 'L. 231-2']);
      assert.deepEqual((await store.forward(kb, '67bis', CD)).map((row) => row.newNumber), ['L. 233-4']);
      assert.deepEqual((await store.backward(kb, 'l233-4')).map((row) => row.oldNumber), ['67 bis', '67 ter']);
      assert.deepEqual(await store.forward(kb, '285 SEXIES'), [rows[6]]);
      assert.deepEqual((await store.backward(kb, 'L312-35', 'Code des impositions sur les biens et services')).map((row) => row.oldNumber), ['265']);
      assert.deepEqual(await store.backward(kb, 'L312-35', CD), [], 'the new code is the one matched backward');
      assert.deepEqual(await store.list(kb), rows);
    });

    it('replaces the rows of the codes given only, and keeps bases apart', async () => {
      await store.replace(kb, [CD], rows);
      await store.replace(kb, ['Autre code'], [{ code: 'Autre code', oldNumber: '1', newNumber: 'L. 1', kind: 'moved' }]);
      await store.replace(kb, [CD], [rows[0] as ConcordanceRow]);
      assert.deepEqual((await store.list(kb)).map((row) => `${row.code} ${row.oldNumber}`).sort(), ['Autre code 1', 'Code des douanes 414']);
      assert.deepEqual(await store.list(`${kb}x`), []);
      await store.replace(`${kb}x`, [CD], []);
    });

    it('refuses an invalid row and keeps the previous table', async () => {
      await store.replace(kb, [CD], rows);
      await assert.rejects(() => store.replace(kb, [CD], [{ code: CD, oldNumber: '1', kind: 'bogus' } as unknown as ConcordanceRow]));
      assert.equal((await store.list(kb)).length, rows.length);
    });
  });
}
