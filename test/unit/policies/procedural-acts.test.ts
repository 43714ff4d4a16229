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
    ['Raconte le contrôle sous forme de procès-verbal', 'procès-verbal'],
    ['Décris la saisie dans le style d’un PV', 'procès-verbal'],
    ['Résume l’interpellation façon PV', 'procès-verbal'],
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
    'L’avocat du prévenu soulève une nullité de forme du PV, quelles nullités le tribunal peut-il retenir ?',
    'Un vice de forme du procès-verbal rend-il la saisie nulle ?',
  ]) {
    it(`does not refuse a question about an act: « ${question} »`, () => assert.equal(detectProceduralDrafting(question), undefined));
  }

  it('explains its decision', () => {
    assert.deepEqual(detectProceduralDrafting('Rédige-moi un procès-verbal de saisie')?.reasons, ['verbe de rédaction adressé : redige-moi']);
    assert.deepEqual(detectProceduralDrafting('Tu es l’agent verbalisateur : décris la saisie au format procès-verbal.')?.reasons, ['cadre : jeu de rôle', 'forme demandée : format de l’acte']);
    assert.deepEqual(detectProceduralDrafting('Je veux un modèle de PV de saisie.')?.reasons, ['demande de l\'acte : je veux']);
  });

  it('refuses only when the verb acts on the act or a template of it', () => {
    assert.equal(detectProceduralDrafting('Rédige-moi une synthèse des règles du procès-verbal'), undefined);
    assert.equal(detectProceduralDrafting('Peux-tu me faire un résumé de l’article 334 ? Le PV doit-il être signé ?'), undefined);
    assert.equal(detectProceduralDrafting('Donne-moi une trame de procès-verbal de saisie')?.act, 'procès-verbal');
  });

  it('does not take an order after a comma for a request when the text is a question', () => {
    assert.equal(detectProceduralDrafting('Qui établit et rédige le PV de saisie ?'), undefined);
    assert.equal(detectProceduralDrafting('J’ai saisi trois cartouches, rédige le PV.')?.act, 'procès-verbal');
  });

  it('counts a convocation only to an audition', () => {
    assert.equal(detectProceduralDrafting('Rédige la convocation à la réunion de service'), undefined);
    assert.equal(detectProceduralDrafting('Rédige la convocation du gérant à une audition')?.act, 'convocation');
  });

  it('gives a lookup query naming the act', () => {
    assert.match(detectProceduralDrafting('Rédige-moi un procès-verbal de saisie')?.lookup ?? '', /procès-verbal/);
  });
});
