import assert from 'node:assert/strict';
import { isInfractionQualification } from '../../../knowledge/policies/infraction-qualification.ts';

describe('infraction qualification policy', () => {
  for (const question of [
    'Quelle sanction encourt une personne qui importe des marchandises prohibées sans déclaration ?',
    'Ce fait constitue-t-il une contrebande ?',
    'Que risque un voyageur qui ne déclare pas 20 000 euros ?',
    'Comment qualifier une fausse déclaration d’origine ?',
    'Quelle amende pour une fausse déclaration de valeur ?',
    'Est-ce un délit douanier de transporter des stupéfiants ?',
    'Un agent du service découvre 10 cartouches dans un coffre : quelle infraction retenir ?',
    'Ça relève de quel article ?',
    'C’est une contrebande ou une importation sans déclaration ?',
  ]) {
    it(`recognises « ${question} »`, () => assert.equal(isInfractionQualification(question), true));
  }

  for (const question of [
    'Combien de jours de congés annuels pour un fonctionnaire ?',
    'Quels sont les pouvoirs de visite des agents des douanes ?',
    'Comment demander un temps partiel ?',
    'Un voyageur refuse d’ouvrir sa valise, on fait quoi ?',
    'Quelle sanction disciplinaire pour un agent absent sans justificatif ?',
    'Cette règle ne risque-t-elle pas de créer des incohérences ?',
    'Quel article fixe la franchise d’alcool pour un voyageur ?',
    'Quel est le délai de prescription d’une contravention douanière ?',
  ]) {
    it(`leaves « ${question} » alone`, () => assert.equal(isInfractionQualification(question), false));
  }
});
