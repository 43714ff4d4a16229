import assert from 'node:assert/strict';
import sinon from 'sinon';
import { questionMatch } from '../../../knowledge/answering/confidence.ts';
import { EvidenceRouter } from '../../../knowledge/evidence-router.ts';
import type { RetrievalRequest, RetrievalResult } from '../../../knowledge/retriever.ts';
import type { RouteDecision, Router } from '../../../knowledge/router.ts';
import { passage } from '../bot/passages.ts';

const enrichment = (text: string) => ({ text, origin: 'team' as const, status: 'approved' as const });

// The best passage of each base for the question: a legal article that only shares the customs context, and the
// HR article whose typical questions are the agent's situation.
const BEST = {
  legal: passage('CD-57', 'Les agents des douanes ont accès aux locaux professionnels des entreprises.', {
    kb: 'legal',
    enrichment: enrichment('Accès des agents aux locaux\nLa brigade peut-elle entrer dans un entrepôt ?'),
  }),
  hr: passage('CGFP-L513-1', 'Le fonctionnaire dont l’emploi est supprimé est affecté dans un emploi vacant correspondant à son grade.', {
    kb: 'hr',
    enrichment: enrichment('Suppression de poste et réaffectation\nMon poste est supprimé, où vais-je être réaffecté ?\nLa brigade ferme, on peut m’envoyer n’importe où ?'),
  }),
};

function fakeRetriever() {
  return {
    retrieve: sinon.spy(async (request: RetrievalRequest): Promise<RetrievalResult> => ({
      kb: request.kb,
      passages: request.kb in BEST ? [BEST[request.kb as keyof typeof BEST]] : [],
      dense: false,
      corrections: [],
      crossEncoded: false,
    })),
  };
}

const decision = (kb: string, method: RouteDecision['method'] = 'offline'): RouteDecision => ({
  kb,
  confidence: 0.9,
  method,
  scores: [
    { kb, confidence: 0.9 },
    { kb: kb === 'legal' ? 'hr' : 'legal', confidence: 0.08 },
    { kb: 'procedures', confidence: 0.02 },
  ],
});
const fixed = (value: RouteDecision): Router => ({ route: async () => value });

describe('evidence router (the passages’ second opinion on the route)', () => {
  const question = 'notre brigade ferme et mon poste est supprimé, ils peuvent m’envoyer n’importe où ?';

  it('switches to the runner-up base when its best passage answers the question clearly better, and searches both', async () => {
    const retriever = fakeRetriever();
    const routed = await new EvidenceRouter(fixed(decision('legal')), retriever).route(question, ['legal', 'hr', 'procedures']);
    assert.equal(routed.kb, 'hr');
    assert.equal(routed.alsoKb, 'legal', 'the first choice is searched too');
    assert.equal(routed.confidence, 0.08, 'the confidence is the runner-up’s own, not the first choice’s');
    assert.deepEqual(retriever.retrieve.getCalls().map((call) => call.args[0].kb).sort(), ['hr', 'legal']);
  });

  it('keeps the router’s choice when its passage is as good as the runner-up’s', async () => {
    const routed = await new EvidenceRouter(fixed(decision('hr')), fakeRetriever()).route(question, ['legal', 'hr', 'procedures']);
    assert.equal(routed.kb, 'hr');
    assert.equal(routed.alsoKb, undefined);
  });

  it('never second-guesses a base the agent forced with a prefix, nor a single candidate', async () => {
    const retriever = fakeRetriever();
    assert.equal((await new EvidenceRouter(fixed(decision('legal', 'prefix')), retriever).route(question, ['legal', 'hr'])).kb, 'legal');
    assert.equal((await new EvidenceRouter(fixed({ ...decision('legal'), scores: [{ kb: 'legal', confidence: 1 }] }), retriever).route(question, ['legal'])).kb, 'legal');
    assert.equal(retriever.retrieve.callCount, 0);
  });

  it('requires a clear difference (switch margin)', async () => {
    const routed = await new EvidenceRouter(fixed(decision('legal')), fakeRetriever(), { switchMargin: 0.99, maxClassification: 'diffusion-restreinte' }).route(question, ['legal', 'hr']);
    assert.equal(routed.kb, 'legal');
  });
});

describe('question match (closeness to an article’s typical questions)', () => {
  it('is high for one of the article’s own questions asked in other words, low for an unrelated one, 0 without enrichment', () => {
    const close = questionMatch('mon poste a été supprimé, je vais être réaffecté où ?', BEST.hr);
    const far = questionMatch('quel est le taux de la taxe sur les tabacs ?', BEST.hr);
    assert.ok(close > 0.5, `close: ${close}`);
    assert.ok(far < 0.2, `far: ${far}`);
    assert.equal(questionMatch('mon poste est supprimé', passage('X', 'texte sans enrichissement')), 0);
  });
});

describe('confidence model per passage kind', () => {
  it('scores an enriched passage with the match signal and an unenriched one with the plain model, so a base nobody enriched still gets answers', async () => {
    const { answerConfidence, confidenceModelFor, CONFIDENCE_MODEL, PLAIN_CONFIDENCE_MODEL } = await import('../../../knowledge/answering/confidence.ts');
    assert.ok(CONFIDENCE_MODEL.features.includes('match'));
    assert.ok(!PLAIN_CONFIDENCE_MODEL.features.includes('match'));
    const plain = passage('PROC-1', 'Le remboursement des frais de mission est demandé dans les trois mois suivant la mission.', { kb: 'procedures' });
    assert.equal(confidenceModelFor([plain]), PLAIN_CONFIDENCE_MODEL);
    assert.equal(confidenceModelFor([BEST.hr]), CONFIDENCE_MODEL);
    const question = 'délai pour demander le remboursement des frais de mission';
    assert.ok(answerConfidence(question, [plain], 1) >= PLAIN_CONFIDENCE_MODEL.threshold, 'a well-covered question on an unenriched passage is answered');
    // The same text enriched with unrelated typical questions: the match signal is now read, and lowers confidence.
    const enrichedElsewhere = { ...plain, chunk: { ...plain.chunk, enrichment: enrichment('Tabacs\nQuel est le prix du tabac ?') } };
    assert.ok(answerConfidence(question, [enrichedElsewhere], 1) < answerConfidence(question, [plain], 1));
  });
});
