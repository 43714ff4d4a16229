import assert from 'node:assert/strict';
import { planVersions } from '../../../knowledge/versions/reconcile-versions.ts';
import type { ArticleInfo } from '../../../knowledge/types.ts';

const CODE = 'Code des douanes';
/** A document as the loader leaves it: the declared dates are the dates (an open end is no end). */
const entry = (documentId: string, source: string, article: Partial<ArticleInfo> & { number: string }) => {
  const declared = article.declared ?? {};
  return {
    documentId,
    source,
    article: {
      code: CODE,
      versionId: documentId,
      identity: `LEGIARTI-${article.number}`,
      declared,
      ...(declared.validFrom ? { validFrom: declared.validFrom } : {}),
      ...(declared.validTo && declared.validTo !== '2999-01-01' ? { validTo: declared.validTo } : {}),
      ...article,
    } as ArticleInfo,
  };
};

describe('reconciling the versions of an article', () => {
  it('closes the older version at the newer one’s declared start', () => {
    const { updates } = planVersions([
      entry('A', 'a.jsonl', { number: '1', declared: { validFrom: '2014-01-01', validTo: '2999-01-01' }, observedAt: '2019-07-01' }),
      entry('B', 'b.jsonl', { number: '1', declared: { validFrom: '2021-05-01' }, observedAt: '2024-01-15' }),
    ]);
    const byId = new Map(updates.map((update) => [update.documentId, update.article]));
    assert.equal(byId.get('A')?.validTo, '2021-05-01');
    assert.equal(byId.get('A')?.uncertainTo, undefined);
    assert.equal(byId.get('A')?.versions, 2);
    assert.equal(byId.get('B')?.validFrom, '2021-05-01');
  });

  it('closes it on the day the newer text was observed when the change day is unknown, and says so', () => {
    const { updates } = planVersions([
      entry('NEW', 'b.jsonl', { number: '1', observedAt: '2024-01-15' }),
      entry('OLD', 'a.jsonl', { number: '1', declared: { validFrom: '2014-01-01', validTo: '2999-01-01' }, observedAt: '2019-07-01' }),
    ]);
    const byId = new Map(updates.map((update) => [update.documentId, update.article]));
    assert.deepEqual([byId.get('OLD')?.validFrom, byId.get('OLD')?.validTo, byId.get('OLD')?.uncertainTo], ['2014-01-01', '2024-01-15', '2019-07-01']);
    assert.deepEqual([byId.get('NEW')?.validFrom, byId.get('NEW')?.uncertainFrom], ['2024-01-15', '2019-07-01']);
  });

  it('makes records of one version one version: the latest observed carries it, the others are never in force', () => {
    const { updates } = planVersions([
      entry('LEGIARTI000006615335', 'a.jsonl', { number: '2', versionId: 'LEGIARTI000006615335', declared: { validFrom: '1949-01-01', validTo: '2999-01-01' }, observedAt: '2019-07-01' }),
      entry('CD-2', 'b.jsonl', { number: '2', versionId: 'LEGIARTI000006615335', declared: { validFrom: '1949-01-01', validTo: '2999-01-01' }, observedAt: '2024-01-15' }),
    ]);
    const byId = new Map(updates.map((update) => [update.documentId, update.article]));
    assert.equal(byId.get('LEGIARTI000006615335')?.duplicateOf, 'CD-2');
    assert.equal(byId.get('LEGIARTI000006615335')?.validTo, byId.get('LEGIARTI000006615335')?.validFrom, 'an empty interval');
    assert.equal(byId.has('CD-2'), false, 'the primary keeps its declared dates');
  });

  it('ends an article missing from a later complete snapshot of its code', () => {
    const old = ['1', '2', '3', '4'].map((number) => entry(`old-${number}`, 'a.jsonl', { number, declared: { validFrom: '2000-01-01', validTo: '2999-01-01' }, observedAt: '2019-07-01' }));
    const fresh = ['1', '2', '3'].map((number) => entry(`new-${number}`, 'b.jsonl', { number, versionId: `old-${number}`, declared: { validFrom: '2000-01-01' }, observedAt: '2024-01-15' }));
    const byId = new Map(planVersions([...old, ...fresh]).updates.map((update) => [update.documentId, update.article]));
    assert.deepEqual([byId.get('old-4')?.validTo, byId.get('old-4')?.uncertainTo], ['2024-01-15', '2019-07-01']);
    // One that appears in the later snapshot began after the earlier one.
    const appeared = planVersions([...old, ...fresh, entry('new-60-1', 'b.jsonl', { number: '60-1', observedAt: '2024-01-15' })]).updates.find((update) => update.documentId === 'new-60-1');
    assert.deepEqual([appeared?.article.validFrom, appeared?.article.uncertainFrom], ['2024-01-15', '2019-07-01']);
    // A one-article file observed later is not a snapshot of the code: nothing is ended by it.
    const partial = planVersions([...old, entry('lone', 'c.jsonl', { number: '9', observedAt: '2025-01-01' })]);
    assert.deepEqual(partial.updates, []);
  });

  it('is idempotent: applying its plan and planning again changes nothing', () => {
    const entries = [
      entry('OLD', 'a.jsonl', { number: '1', declared: { validFrom: '2014-01-01', validTo: '2999-01-01' }, observedAt: '2019-07-01' }),
      entry('NEW', 'b.jsonl', { number: '1', observedAt: '2024-01-15' }),
    ];
    const first = planVersions(entries).updates;
    const applied = entries.map((item) => ({ ...item, article: first.find((update) => update.documentId === item.documentId)?.article ?? item.article }));
    assert.deepEqual(planVersions(applied).updates, []);
  });

  it('joins a number-only identity to the LEGI identity of the same code and number', () => {
    const { updates, versioned } = planVersions([
      entry('OLD', 'a.jsonl', { number: '67 ter', identity: 'LEGIARTI000000000001', declared: { validFrom: '2010-01-01' }, observedAt: '2019-07-01' }),
      entry('NEW', 'b.jsonl', { number: '67 ter', identity: 'Code des douanes|67ter', observedAt: '2024-01-15' }),
      entry('OTHER', 'b.jsonl', { number: '67 ter B', identity: 'Code des douanes|67terb', observedAt: '2024-01-15' }),
    ]);
    assert.equal(versioned, 1);
    const byId = new Map(updates.map((update) => [update.documentId, update.article]));
    assert.equal(byId.get('OLD')?.validTo, '2024-01-15');
    assert.equal(byId.get('NEW')?.versions, 2);
    // 67 ter B is another article: absent from the 2019 snapshot, so it began after it; it is no version of 67 ter.
    assert.deepEqual([byId.get('OTHER')?.validFrom, byId.get('OTHER')?.versions], ['2024-01-15', undefined]);
  });
});
