import assert from 'node:assert/strict';
import { decisiveQuote, decisiveSentence, highlightDecisive, sentencesOf } from '../../../knowledge/answering/decisive-sentence.ts';
import { extractiveAnswer } from '../../../knowledge/answering/extractive-answerer.ts';
import { article } from '../bot/passages.ts';

/** Answers that teach: the decisive sentence of the cited text, verbatim and highlighted, before anything else. */
describe('decisive sentence', () => {
  const ARTICLE_414 =
    'Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude et des moyens de transport, et d’une amende, tout fait de contrebande. ' +
    'Les dispositions de l’art. 38 ci-dessus s’appliquent. La tentative est punie des mêmes peines.';

  it('splits sentences without cutting after "art.", "L." or a full stop followed by lower case', () => {
    assert.deepEqual(sentencesOf('Voir l’art. 414 et l’article L. 621-1. Puis la suite ; enfin.\nLigne deux').map((span) => span.text), [
      'Voir l’art. 414 et l’article L. 621-1.',
      'Puis la suite ;',
      'enfin.',
      'Ligne deux',
    ]);
    const text = 'Premier. Second texte ici.';
    for (const span of sentencesOf(text)) assert.equal(text.slice(span.start, span.start + span.text.length), span.text);
  });

  it('chooses the sentence holding most of the question’s words, preferring one that states a rule', () => {
    assert.match(decisiveSentence('quelle peine pour la contrebande ?', ARTICLE_414)?.text ?? '', /^Sont passibles d’un emprisonnement de trois ans/);
    assert.equal(decisiveSentence('la tentative est-elle punie ?', ARTICLE_414)?.text, 'La tentative est punie des mêmes peines.');
    assert.equal(decisiveSentence('question', ''), undefined);
  });

  it('puts the decisive sentence of a quote in bold, on its own line, verbatim', () => {
    const quote = highlightDecisive(ARTICLE_414, 'la tentative est-elle punie ?');
    assert.ok(quote.endsWith('**La tentative est punie des mêmes peines.**'), quote);
    assert.equal(quote.replace(/\*\*/g, ''), ARTICLE_414);
    assert.equal(highlightDecisive('Le taux est de 5 * 2 pour cent.', 'taux'), 'Le taux est de 5 * 2 pour cent.', 'never bold around a star');
  });

  it('quotes, before a generated answer, the decisive sentence of its first cited passage, with its marker', () => {
    const passages = [article('60', 'Les agents peuvent visiter les marchandises.'), article('414', ARTICLE_414)];
    const citations = [{ index: 2, id: 'CD-60#0', title: 'Code des douanes, art. 60' }, { index: 1, id: 'CD-414#0', title: 'Code des douanes, art. 414' }];
    const block = decisiveQuote('peine pour contrebande', passages, citations, '📌 **Texte décisif**');
    assert.equal(block, `📌 **Texte décisif** — Code des douanes, art. 414 [1] :\n> **${ARTICLE_414.split('. Les')[0]}.**`);
    assert.equal(decisiveQuote('x', passages, [{ index: 1, id: 'CD-999#0', title: 'inconnu' }], 'label'), undefined);
  });

  it('bolds the decisive sentence of the first quoted passage of an extractive answer', () => {
    const answer = extractiveAnswer('la tentative de contrebande est-elle punie ?', [article('414', ARTICLE_414, { score: 5 })]);
    assert.match(answer.text, /> .*\*\*La tentative est punie des mêmes peines\.\*\*/);
  });
});
