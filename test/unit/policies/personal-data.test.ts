import assert from 'node:assert/strict';
import { findPersonalData } from '../../../knowledge/policies/personal-data/find-personal-data.ts';
import { hasValidCheckDigits } from '../../../knowledge/policies/personal-data/identifiers.ts';
import { nirKey } from '../../../knowledge/policies/personal-data/nir.ts';
import { redactPersonalData, restore, withoutPersonalData } from '../../../knowledge/policies/redaction.ts';

const found = (text: string) => findPersonalData(text).map((span) => [span.kind, text.slice(span.start, span.end)]);

describe('personal data recogniser', () => {
  describe('NIR', () => {
    it('computes the key as 97 − (number mod 97), Corsica read as 19 (2A) and 18 (2B)', () => {
      assert.equal(nirKey('1850578006084'), 91);
      assert.equal(nirKey('172022A004012'), 77);
      assert.equal(nirKey('268112B033145'), 70);
      // 2A and 2B are not the same number: the key tells them apart.
      assert.notEqual(nirKey('172022A004012'), nirKey('172022B004012'));
    });
    for (const nir of ['1 85 05 78 006 084 91', '185057800608491', '1.85.05.78.006.084.91', '1 72 02 2A 004 012 77', '2 68 11 2B 033 145 70', '2 80 04 971 12 345 02']) {
      it(`finds a NIR with the right key anywhere: « ${nir} »`, () => assert.deepEqual(found(`Voici ${nir} pour le dossier.`), [['nir', nir]]));
    }
    it('takes a wrong key in the NIR layout, or announced; not a bare 15-digit number', () => {
      assert.deepEqual(found('Dossier 1 85 05 78 006 084 36 reçu.'), [['nir', '1 85 05 78 006 084 36']]);
      assert.deepEqual(found('mon numéro de sécu c’est 185057800608436'), [['nir', '185057800608436']]);
      assert.deepEqual(found('Référence interne 185057800608436 du dossier.'), []);
    });
    it('takes a NIR without its key only when announced', () => {
      assert.deepEqual(found('NIR : 1 50 11 67 482 031'), [['nir', '1 50 11 67 482 031']]);
      assert.deepEqual(found('Colis 1 50 11 67 482 031 arrivé.'), []);
    });
    it('refuses a wrong Corsican key (2A read as 19, not 20)', () => {
      assert.deepEqual(found('Dossier 172022A00401277 reçu.'), [['nir', '172022A00401277']]);
      assert.deepEqual(found('Dossier 172022B00401277 reçu.'), []);
    });
  });

  describe('identifiers', () => {
    it('checks IBAN check digits, and keeps an announced IBAN even when mistyped', () => {
      assert.equal(hasValidCheckDigits('FR7630006000011234567890189'), true);
      assert.equal(hasValidCheckDigits('FR7630006000011234567890188'), false);
      assert.deepEqual(found('RIB : FR76 3000 6000 0112 3456 7890 188'), [['iban', 'FR76 3000 6000 0112 3456 7890 188']]);
    });
    it('tells a tariff code from a phone number', () => {
      assert.deepEqual(found('Code TARIC 0406 10 50 30 pour la mozzarella'), []);
      assert.deepEqual(found('Classés en 0806101090 dans le TARIC.'), []);
      assert.deepEqual(found('Rappelez le 0806101090 ce soir.'), [['telephone', '0806101090']]);
    });
    it('finds passport and identity-card numbers with their cue', () => {
      assert.deepEqual(found('Passeport n° 18AV45213, CNI : X4RTBPFW4'), [['passeport', '18AV45213'], ['carte-identite', 'X4RTBPFW4']]);
      assert.deepEqual(found('Le lot X4RTBPFW4 est arrivé.'), []);
    });
  });

  describe('dates of birth and addresses', () => {
    it('takes a date after « né le », « date de naissance », not a law’s or a seizure’s', () => {
      assert.deepEqual(found('Né le 12/03/1985, contrôlé le 12/03/2024.'), [['date-naissance', '12/03/1985']]);
      assert.deepEqual(found('Date de naissance : 3 mars 1990'), [['date-naissance', '3 mars 1990']]);
      assert.deepEqual(found('La loi n° 2023-610 du 18 juillet 2023'), []);
    });
    it('takes a street with its number and postcode, not « 5 cours de formation »', () => {
      assert.deepEqual(found('Domicile : 12 rue de la République, 69002 Lyon.'), [['adresse', '12 rue de la République, 69002 Lyon']]);
      assert.deepEqual(found('Il a suivi 5 cours de formation et la mise en place du dispositif.'), []);
    });
  });

  describe('person names', () => {
    for (const [text, name] of [
      ['M. Jean Dupont a été contrôlé.', 'Jean Dupont'],
      ['Madame Lefebvre conteste la taxe.', 'Lefebvre'],
      ['je m’appelle Sophie Lambert', 'Sophie Lambert'],
      ['Le passager, nommé Karim Benali, refuse.', 'Karim Benali'],
      ['L’agent Martin a procédé à la visite.', 'Martin'],
      ['Merci.\nCordialement,\nJulien Roussel', 'Julien Roussel'],
      ['Le voyageur Jean DUPONT déclare 8 000 euros.', 'Jean DUPONT'],
      ['DURAND Michel, chauffeur, a été entendu.', 'DURAND Michel'],
      ['J. Dupont était de permanence.', 'J. Dupont'],
      ['Demande de Jérôme Caillaud pour un congé.', 'Jérôme Caillaud'],
      ['Coucou Élise, tu as la référence ?', 'Élise'],
      ['Mme Da Costa a déposé son dossier.', 'Da Costa'],
      ['Cordialement\n\nIsabelle MARTIN-DUBOIS\nPôle action économique', 'Isabelle MARTIN-DUBOIS'],
    ] as const) {
      it(`finds « ${name} » in « ${text.replace(/\n/g, ' ⏎ ')} »`, () => assert.deepEqual(found(text), [['personne', name]]));
    }
    for (const text of [
      'Le Code des douanes et le Conseil d’État',
      'Marine marchande : quels contrôles ?',
      'Saint-Martin et Saint-Barthélemy',
      'Un agent PAF peut-il assister à la visite ?',
      'M. Petit',
    ]) {
      it(`${text === 'M. Petit' ? 'finds a surname that is a word after a title' : 'finds no one'} in « ${text} »`, () => {
        assert.deepEqual(found(text), text === 'M. Petit' ? [['personne', 'Petit']] : []);
      });
    }
    it('does not take a surname that is a word without a cue (« Petit » alone)', () => assert.deepEqual(found('Le Petit Larousse est-il une source ?'), []));
    it('does not take places and list items for people', () => {
      assert.deepEqual(found('Une étiquette Made in France cousue dedans.'), []);
      assert.deepEqual(found('b) Gypse ; c) Pierre calcaire destinée à la construction'), []);
      assert.deepEqual(found('Guadeloupe, Saint- Barthélemy et Saint-Martin'), []);
    });
    it('does not take a court of appeal case number for a passport', () => {
      assert.deepEqual(found('Par son arrêt du 3 avril 2007 (n° 04MA01459), la cour a jugé…'), []);
      assert.deepEqual(found('Le passager présente le 04MA01459.'), [['passeport', '04MA01459']]);
    });
  });

  describe('never redacts the legal vocabulary', () => {
    for (const text of [
      'article 414, L. 621-1 et 60 bis',
      'une amende de 15 000 € et 1 500 euros',
      'loi n° 2023-610 du 18 juillet 2023 et décret n° 86-83 du 17 janvier 1986',
      'les bières en 2203 00 01 et le SH6 220830',
      'le Code des douanes, le Conseil d’État, la Cour de cassation',
      'Quelle est la procédure ? Pourquoi ? Comment ?',
    ]) {
      it(`« ${text} »`, () => assert.deepEqual(redactPersonalData(text), { text, redacted: [], mapping: {} }));
    }
  });

  describe('placeholders', () => {
    it('gives the same placeholder to the same value within a request, and returns the mapping', () => {
      const result = redactPersonalData('M. Jean Dupont (06 12 34 56 78) ; M. Dupont rappelle du +33 6 12 34 56 78. Mme Girard aussi.');
      assert.equal(result.text, 'M. [PERSONNE_1] ([TELEPHONE_1]) ; M. [PERSONNE_1] rappelle du [TELEPHONE_1]. Mme [PERSONNE_2] aussi.');
      assert.deepEqual(result.mapping, { '[PERSONNE_1]': 'Jean Dupont', '[TELEPHONE_1]': '06 12 34 56 78', '[PERSONNE_2]': 'Girard' });
      assert.deepEqual(result.redacted, ['personne', 'téléphone', 'personne', 'téléphone', 'personne']);
    });
    it('continues a mapping from an earlier text of the same request', () => {
      const first = redactPersonalData('Mme Girard a appelé.');
      const second = redactPersonalData('Et Mme Girard, puis M. Benali ?', first.mapping);
      assert.equal(second.text, 'Et Mme [PERSONNE_1], puis M. [PERSONNE_2] ?');
      assert.deepEqual(second.mapping, { '[PERSONNE_1]': 'Girard', '[PERSONNE_2]': 'Benali' });
    });
    it('restores the values in what the agent reads, forgiving case and spaces inside brackets', () => {
      const { text, mapping } = redactPersonalData('Mme Nathalie Girard, née le 3 mars 1990 : quels droits ?');
      assert.equal(text, 'Mme [PERSONNE_1], née le [DATE_NAISSANCE_1] : quels droits ?');
      assert.equal(restore('[PERSONNE_1] ([date_naissance_1]) a droit à [ PERSONNE_1 ]. [PERSONNE_9] inconnu.', mapping), 'Nathalie Girard (3 mars 1990) a droit à Nathalie Girard. [PERSONNE_9] inconnu.');
    });
    it('removes personal data altogether for coverage measures', () => {
      assert.equal(withoutPersonalData('Visite de M. Jean Dupont, 12 rue de la Paix, 75002 Paris ?').replace(/\s+/g, ' '), 'Visite de M. , ?');
    });
  });
});
