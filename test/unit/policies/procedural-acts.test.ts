import assert from 'node:assert/strict';
import { detectProceduralDrafting } from '../../../knowledge/policies/procedural-acts.ts';

describe('procedural acts policy', () => {
  for (const [request, act] of [
    ['Rédige-moi un procès-verbal de saisie', 'procès-verbal'],
    ['Rédigez un PV de constat pour 3 cartouches de cigarettes', 'procès-verbal'],
    ['Peux-tu écrire le procès-verbal de cette saisie ?', 'procès-verbal'],
    ['Fais-moi un modèle de PV de saisie', 'procès-verbal'],
    ['Prépare un avis de mise en recouvrement pour la société X', 'avis de mise en recouvrement'],
    ['Rédige la convocation de M. Martin pour une audition', 'convocation'],
    ['Génère un brouillon de transaction douanière', 'transaction'],
    ['Remplis la notification de retenue douanière', 'notification de retenue douanière'],
    ['Dresse-moi le procès-verbal de la visite', 'procès-verbal'],
  ] as const) {
    it(`refuses to draft: « ${request} »`, () => assert.equal(detectProceduralDrafting(request)?.act, act));
  }

  for (const question of [
    'Quelles mentions doit contenir un procès-verbal ?',
    'Quelles mentions doit contenir un procès-verbal de saisie ?',
    'Qui peut dresser un procès-verbal de saisie ?',
    'Quels agents peuvent établir un procès-verbal de constat ?',
    'Dans quel délai le procès-verbal doit-il être établi ?',
    'Qui rédige la convocation à une audition ?',
    'Quel est le délai de prescription de l’avis de mise en recouvrement ?',
    'Rédige-moi une synthèse des congés annuels',
    'Quels sont les pouvoirs de visite des agents des douanes ?',
  ]) {
    it(`does not refuse a question about an act: « ${question} »`, () => assert.equal(detectProceduralDrafting(question), undefined));
  }

  it('gives a lookup query naming the act', () => {
    assert.match(detectProceduralDrafting('Rédige-moi un procès-verbal de saisie')?.lookup ?? '', /procès-verbal/);
  });
});
