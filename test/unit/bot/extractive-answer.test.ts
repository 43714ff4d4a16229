import assert from 'node:assert/strict';
import { citationOf } from '../../../knowledge/answering/citations.ts';
import { answerConfidence, CONFIDENCE_MODEL, coverage } from '../../../knowledge/answering/confidence.ts';
import { extractiveAnswer } from '../../../knowledge/answering/extractive-answerer.ts';
import { article, passage } from './passages.ts';

describe('extractive answer and citations', () => {
  const visite = article('60', 'Les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport.', { score: 8 });
  const documents = article('65', 'Les agents des douanes peuvent exiger la communication des papiers et documents.', { score: 6 });
  const far = article('1', 'Le territoire douanier comprend la France continentale.', { score: 1 });

  it('quotes the passages as they are, each with its [n] marker', () => {
    const answer = extractiveAnswer('visite des marchandises par les agents', [visite, documents]);
    assert.match(answer.text, /\*\*Code des douanes, art\. 60\*\* \[1\]\n> \*\*Les agents des douanes peuvent procéder à la visite/);
    assert.match(answer.text, /\*\*Code des douanes, art\. 65\*\* \[2\]/);
    assert.deepEqual(answer.citations.map((citation) => [citation.index, citation.id, citation.url]), [
      [1, 'CD-60#0', 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60'],
      [2, 'CD-65#0', 'https://www.legifrance.gouv.fr/codes/article_lc/CD-65'],
    ]);
  });

  it('leaves out passages scoring far below the best', () => {
    assert.deepEqual(extractiveAnswer('visite', [visite, far]).citations.map((citation) => citation.id), ['CD-60#0']);
  });

  it('puts an article the question names first, whatever its score', () => {
    const named = article('414', 'Sont passibles d’un emprisonnement de trois ans tout fait de contrebande.', { score: Number.POSITIVE_INFINITY, named: true });
    assert.equal(extractiveAnswer('article 414 visite', [named, visite]).citations[0]?.id, 'CD-414#0');
  });

  it('trims a long passage to its most relevant sentences, marking the cuts', () => {
    const filler = Array.from({ length: 30 }, (_, index) => `Phrase de remplissage numéro ${index} sans rapport.`).join(' ');
    const long = passage('long', `${filler} Le congé bonifié est accordé tous les deux ans. ${filler}`);
    const answer = extractiveAnswer('congé bonifié', [long]);
    assert.match(answer.text, /Le congé bonifié est accordé tous les deux ans\./);
    assert.match(answer.text, /\[…\]/);
    assert.ok(answer.text.length < 900, `${answer.text.length}`);
  });

  it('builds citations within channel limits: title ≤ 80, abstract ≤ 160', () => {
    const long = passage('qa', 'Réponse : '.concat('le fonctionnaire a droit à un congé annuel '.repeat(20)), {
      title: 'Combien de jours de congés annuels un fonctionnaire en activité peut-il prendre chaque année et comment ?',
      headingPath: ['FAQ RH', 'Congés'],
    });
    const citation = citationOf(long.chunk, 1);
    assert.ok(citation.title.length <= 80, `${citation.title.length}`);
    assert.ok(citation.abstract.length <= 160, `${citation.abstract.length}`);
    assert.ok(citation.title.endsWith('…') && citation.abstract.endsWith('…'));
    assert.equal(citation.context, 'FAQ RH › Congés');
  });

  it('does not repeat a section heading equal to the title', () => {
    const fiche = passage('fiche', 'Texte.', { title: 'Fiche réflexe retenue douanière', section: 'Fiche réflexe retenue douanière' });
    assert.equal(citationOf(fiche.chunk, 1).title, 'Fiche réflexe retenue douanière');
    const other = passage('fiche2', 'Texte.', { title: 'Fiche réflexe', section: 'Étape 2' });
    assert.equal(citationOf(other.chunk, 1).title, 'Fiche réflexe — Étape 2');
  });

  it('measures the coverage of the question’s terms; confidence grows with it, full when an article is named', () => {
    assert.equal(coverage('visite des marchandises', visite), 1);
    assert.ok(coverage('recette de la tarte aux pommes et visite', visite) < 0.3);
    assert.ok(answerConfidence('visite des marchandises', [visite], 1) > answerConfidence('recette de la tarte aux pommes et visite', [visite], 1));
    assert.ok(answerConfidence('recette de la tarte aux pommes et visite', [visite], 1) < CONFIDENCE_MODEL.threshold);
    assert.equal(answerConfidence('recette de la tarte aux pommes', [{ ...visite, namedInQuestion: true }], 1), 1);
    assert.equal(answerConfidence('visite', [], 1), 0);
  });
});

describe('calibration of the abstention threshold', () => {
  it('fits a model that rises with coverage and picks, by cross-validation, the lowest threshold meeting the targets', async () => {
    const { crossValidatedThreshold, fitConfidenceModel } = await import('../../../knowledge/answering/confidence.ts');
    // Synthetic but shaped like the real signals: right answers cover the question well, wrong ones and
    // out-of-scope questions less; the router is surer of in-scope questions.
    const samples = Array.from({ length: 200 }, (_, index) => {
      const kind = index % 4; // 0, 1: right; 2: wrong; 3: out of scope
      const coverage = kind < 2 ? 0.6 + ((index * 37) % 40) / 100 : kind === 2 ? 0.2 + ((index * 13) % 45) / 100 : ((index * 7) % 40) / 100;
      return { features: { coverage, margin: 0.3, route: kind === 3 ? 0.7 : 0.98, match: coverage * 0.6, textCoverage: coverage * 0.8, terms: Math.log(4) }, right: kind < 2, outOfScope: kind === 3 };
    });
    const model = fitConfidenceModel(samples, 'synthetic', 0.5);
    assert.ok((model.weights[0] as number) > 0, 'confidence rises with coverage');
    const { threshold, table } = crossValidatedThreshold(samples, { maxOnlyWrong: 0.05, minDeclined: 0.9 });
    const chosen = table.find((row) => row.threshold === threshold);
    assert.ok(chosen && chosen.onlyWrong <= 0.05 && chosen.declined >= 0.9, JSON.stringify(chosen));
    const lower = table.filter((row) => row.threshold < threshold);
    assert.ok(lower.every((row) => row.onlyWrong > 0.05 || row.declined < 0.9), 'no lower threshold meets both targets');
  });
});
