import assert from 'node:assert/strict';
import { redactPersonalData, withoutPersonalData } from '../../../knowledge/policies/redaction.ts';

describe('personal data redaction', () => {
  for (const [label, value] of [
    ['courriel', 'jean.dupont@example.fr'],
    ['téléphone', '06 12 34 56 78'],
    ['téléphone', '+33 6 12 34 56 78'],
    ['téléphone', '01.23.45.67.89'],
    ['IBAN', 'FR76 3000 6000 0112 3456 7890 189'],
    ['immatriculation', 'AB-123-CD'],
    ['immatriculation', 'AB 123 CD'],
    ['EORI', 'FR123456789012'],
    ['SIRET', '732 829 320 00074'],
  ] as const) {
    it(`masks ${label} « ${value} »`, () => {
      const result = redactPersonalData(`Le contrevenant ${value} a été contrôlé.`);
      assert.ok(!result.text.includes(value), result.text);
      assert.match(result.text, /\[[A-Z_]+_1\]/);
      assert.ok(result.redacted.length >= 1);
    });
  }

  for (const text of [
    'Que dit l’article 414 du code des douanes ?',
    'Article L. 621-1 du code général de la fonction publique',
    'Une amende de 1 500 euros le 12/03/2024 pour 200 cartouches',
    'Les articles 60 à 67 bis',
    'Combien de jours de congés pour 35 heures par semaine ?',
  ]) {
    it(`leaves ordinary text alone: « ${text} »`, () => {
      assert.deepEqual(redactPersonalData(text), { text, redacted: [], mapping: {} });
    });
  }

  it('reports labels, never values', () => {
    const result = redactPersonalData('écrire à a.b@douane.finances.gouv.fr ou au 0612345678');
    assert.deepEqual([...result.redacted].sort(), ['courriel', 'téléphone']);
    assert.ok(!JSON.stringify(result.redacted).includes('0612345678'));
  });

  it('can remove personal data altogether, leaving the rest of the question', () => {
    assert.equal(withoutPersonalData('Visite du véhicule AB-123-CD de a.b@example.fr ?').replace(/\s+/g, ' '), 'Visite du véhicule de ?');
  });
});
