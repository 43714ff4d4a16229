import assert from 'node:assert/strict';
import { parseSummaryRequest } from '../../../bots/commands/summary-request.ts';
import { extractiveSummary, splitSentences } from '../../../worker/summarisation/extractive-summariser.ts';

const CODES = ['Code des douanes', 'Code des impositions sur les biens et services'];

describe('summary requests (unit)', () => {
  const cases: Array<[string, boolean, ReturnType<typeof parseSummaryRequest>]> = [
    ['les articles 60 à 60-3', false, { target: { type: 'code-articles', from: '60', to: '60-3' }, length: 'court' }],
    ['articles 60 bis au 65 du code des douanes', false, { target: { type: 'code-articles', from: '60 bis', to: '65', code: 'Code des douanes' }, length: 'court' }],
    ['en détaillé les articles 414 jusqu’à l’article 426', false, { target: { type: 'code-articles', from: '414', to: '426' }, length: 'detaille' }],
    ['le titre XII du code des douanes', false, { target: { type: 'code-heading', label: 'titre xii', code: 'Code des douanes' }, length: 'court' }],
    ['le chapitre II du titre III', false, { target: { type: 'code-heading', label: 'chapitre ii du titre iii' }, length: 'court' }],
    ['le chapitre Ier du titre XII du code des douanes', false, { target: { type: 'code-heading', label: 'chapitre ier du titre xii', code: 'Code des douanes' }, length: 'court' }],
    ['le titre II des accises', false, { target: { type: 'code-heading', label: 'titre ii', code: 'Code des impositions sur les biens et services' }, length: 'court' }],
    ['la conversation en détail', false, { target: { type: 'conversation' }, length: 'detaille' }],
    ['ce document', true, { target: { type: 'document' }, length: 'court' }],
    ['ce document de façon complète', true, { target: { type: 'document' }, length: 'detaille' }],
    ['la conversation', false, { target: { type: 'conversation' }, length: 'court' }],
    ['bonjour', false, { target: undefined, length: 'court' }],
  ];
  for (const [text, attachment, expected] of cases) {
    it(`reads « ${text} »${attachment ? ' (with an attachment)' : ''}`, () => {
      assert.deepEqual(parseSummaryRequest(text, attachment, CODES), expected);
    });
  }
});

describe('extractive summary (unit)', () => {
  const sections = [
    { heading: 'Objet', reference: 'p. 1', text: 'La fiche de contrôle doit être signée par le chef de poste. Elle est conservée trois ans au bureau de douane. Ok.' },
    { heading: 'Modalités', text: 'Le contrôle des marchandises est effectué par deux agents des douanes. Les agents des douanes consignent le contrôle dans la fiche de contrôle.' },
  ];

  it('keeps whole sentences under their heading and reference, in the original order', () => {
    const result = extractiveSummary({ title: 'Fiche', sections, length: 'court' });
    assert.equal(result.method, 'extractive');
    assert.equal(result.inputTokens + result.outputTokens, 0);
    const lines = result.markdown.split('\n');
    assert.equal(lines[0], '**Résumé court — Fiche**');
    assert.ok(lines.includes('**Objet** (p. 1)'));
    assert.ok(lines.indexOf('**Objet** (p. 1)') < lines.indexOf('**Modalités**'));
    assert.ok(!lines.some((line) => line.startsWith('#')), 'no Markdown titles (huge in chat)');
    assert.ok(lines.includes('- La fiche de contrôle doit être signée par le chef de poste.'));
    assert.ok(!lines.includes('- Ok.'), 'fragments are not sentences');
    assert.match(result.markdown, /_Résumé extractif : phrases reprises telles quelles du texte, sans reformulation\._$/);
  });

  it('keeps at most 2 sentences per section in a short summary, up to 5 in a detailed one', () => {
    const long = { heading: 'Long', text: Array.from({ length: 12 }, (_, i) => `Phrase numéro ${i + 1} sur le contrôle douanier des marchandises importées.`).join(' ') };
    const count = (length: 'court' | 'detaille') => (extractiveSummary({ title: 't', sections: [long], length }).markdown.match(/^- /gm) ?? []).length;
    assert.equal(count('court'), 2);
    assert.equal(count('detaille'), 5);
  });

  it('says so when nothing can be kept', () => {
    const result = extractiveSummary({ title: 'Vide', sections: [{ heading: 'x', text: 'Oui. Non. 12 34.' }], length: 'court' });
    assert.match(result.markdown, /ne contient pas de phrase exploitable/);
  });

  it('splits sentences and shortens very long ones', () => {
    assert.deepEqual(splitSentences('Première phrase assez longue pour compter. Court. Deuxième phrase assez longue ici !'), ['Première phrase assez longue pour compter.', 'Deuxième phrase assez longue ici !']);
    const [long] = splitSentences(`${'mot '.repeat(200)}fin.`);
    assert.equal(long?.length, 400);
    assert.ok(long?.endsWith('…'));
  });
});
