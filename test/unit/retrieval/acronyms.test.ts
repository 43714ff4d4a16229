import assert from 'node:assert/strict';
import { acronymCandidates, AcronymReader, expandAcronym } from '../../../knowledge/analysis/acronyms.ts';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { KnowledgeCatalog } from '../../../knowledge/catalog.ts';
import { CorpusStatistics } from '../../../knowledge/corpus-statistics.ts';
import { Retriever } from '../../../knowledge/retriever.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import type { Chunk } from '../../../knowledge/types.ts';
import { KnowledgeBaseSchema } from '../../../config/schema.ts';

function chunk(id: string, text: string): Chunk {
  return { id: `${id}#0`, kb: 'legal', documentId: id, source: 's.jsonl', kind: 'article', title: id, headingPath: [], text, classification: 'public', part: 0, parts: 1, contentHash: id };
}

const recovery = [
  'L’avis de mise en recouvrement est notifié au redevable.',
  'Les avis de mise en recouvrement sont exécutoires.',
  'L’avis de mise en recouvrement indique le fait générateur.',
  'Un avis de mise en recouvrement peut être contesté.',
  'Les droits sont recouvrés par avis de mise en recouvrement.',
];

describe('retrieval: acronyms read from the bases’ own texts', () => {
  it('takes capitalised words of three to six letters as candidates, each once', () => {
    assert.deepEqual(acronymCandidates("c'est quoi un AMR ? et l'AMR de la CITIS, le PV, la DGDDIXYZ"), ['AMR', 'CITIS']);
    assert.deepEqual(acronymCandidates('amr en minuscules'), []);
  });

  it('reads an acronym as the phrase of the texts with those initials, small words skipped, variants counted together', () => {
    assert.equal(expandAcronym('AMR', recovery), 'avis de mise en recouvrement');
    const leave = ['congé de longue maladie', 'congés de longue maladie', 'le congé de longue maladie', 'un congé de longue maladie'];
    assert.equal(expandAcronym('CLM', leave), 'conge de longue maladie');
    const contract = ['un contrat à durée indéterminée', 'le contrat à durée indéterminée', 'en contrat à durée indéterminée', 'contrats à durée indéterminée'];
    assert.equal(expandAcronym('CDI', contract), 'contrat a duree indeterminee', '« à » skipped');
    assert.equal(expandAcronym('CDI', contract.slice(0, 3)), undefined, 'too rare: fewer than four occurrences');
  });

  it('reads nothing when no phrase dominates, when the texts use the word itself, or from markup and sentence pieces', () => {
    const split = [...Array(4).fill('le conseil local de défense'), ...Array(3).fill('un congé de longue durée')];
    assert.equal(expandAcronym('CLD', split), undefined, '4 against 3: no clear winner');
    assert.equal(expandAcronym('CLD', [...split, ...Array(3).fill('le conseil local de défense')]), 'conseil local de defense', '7 against 3');
    assert.equal(expandAcronym('CAP', ['le cap est fixé', 'cap', 'au cap', ...Array(5).fill('commission administrative paritaire')]), undefined, 'a word of the texts');
    assert.equal(expandAcronym('CDD', Array(6).fill('<table class="dqtable"><div>')), undefined, 'markup is not text');
    assert.equal(expandAcronym('DAE', Array(6).fill('les produits destinés à être consommés')), undefined, '« destinés à être » is a piece of a sentence');
    assert.equal(expandAcronym('RDE', Array(6).fill('les renseignements et documents')), undefined, '« et » never gives a letter');
  });

  it('looks each acronym up once per base, again when the base changes, and leaves the lexicon’s acronyms to it', async () => {
    let generation = 1;
    let reads = 0;
    const reader = new AcronymReader(
      async () => ({ generation, texts: async () => (reads++, recovery) }),
      (acronym) => acronym === 'CLM',
    );
    assert.deepEqual(await reader.read('legal', 'un AMR contesté, et le CLM ?'), [{ from: 'amr', to: 'avis de mise en recouvrement' }]);
    await reader.read('legal', 'encore un AMR');
    assert.equal(reads, 1);
    generation = 2;
    await reader.read('legal', 'encore un AMR');
    assert.equal(reads, 2);
    assert.deepEqual(await reader.read('legal', 'une question sans sigle'), []);
    assert.equal(reads, 2, 'no text read for a question without acronym');
  });

  it('finds the article that spells the acronym out, with the phrase weighted as a lexicon expansion', async function () {
    this.timeout(30_000); // the speller loads the French word list once
    const store = new SqliteVectorStore(':memory:');
    const encoder = new SparseEncoder(undefined);
    const chunks = [
      chunk('345', 'L’avis de mise en recouvrement est la décision par laquelle l’administration constate la créance. ' + recovery.join(' ')),
      chunk('346', 'Le redevable peut contester la créance devant le tribunal dans un délai de deux mois ; la contestation suspend le paiement.'),
      chunk('347', 'Les amendes sont prononcées par le tribunal.'),
    ];
    await store.upsert('legal', chunks.map((entry) => ({ chunk: entry, sparse: encoder.encodeDocument({ headings: '', body: entry.text }) })), []);
    const catalog = new KnowledgeCatalog([KnowledgeBaseSchema.parse({ id: 'legal', name: 'Code', description: 'Code des douanes' })]);
    const retriever = (acronyms: boolean) =>
      new Retriever(store, encoder, catalog, undefined, { maxQueryLength: 4000, candidates: 20, embedderCeiling: 'public', acronyms }, () => {}, new CorpusStatistics(store));
    const asked = { question: "c'est quoi un AMR ?", kb: 'legal', maxClassification: 'public' as const };
    const on = await retriever(true).retrieve(asked);
    assert.deepEqual(on.corrections, [{ from: 'amr', to: 'avis de mise en recouvrement', kind: 'acronym' }]);
    assert.equal(on.passages[0]?.chunk.documentId, '345');
    const off = await retriever(false).retrieve(asked);
    assert.deepEqual(off.corrections, []);
    assert.equal(off.passages.length, 0, 'without the reading no word of the question is in the texts');
    // Weighted as an expansion: the question's own words still decide between articles that both hold the phrase.
    const contest = await retriever(true).retrieve({ ...asked, question: 'le redevable peut contester l’AMR devant le tribunal dans quel délai ?' });
    assert.equal(contest.passages[0]?.chunk.documentId, '346');
    await store.close();
  });
});
