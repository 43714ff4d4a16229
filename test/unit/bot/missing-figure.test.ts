import assert from 'node:assert/strict';
import { missingFigure } from '../../../knowledge/answering/missing-figure.ts';
import * as say from '../../../bots/user-messages.ts';

describe('a figure asked for that the cited texts leave to a decree', () => {
  const principle = 'Le fonctionnaire en activité a droit à un congé annuel avec traitement.';
  const solidarity = 'Soit toute autre modalité permettant le travail de sept heures précédemment non travaillées, à l’exclusion des jours de congé annuel.';

  it('annual leave: the code states the principle only → where the figure lies (the 1984 decree)', () => {
    const found = missingFigure('Combien de jours de congés annuels pour un fonctionnaire ?', [principle, solidarity]);
    assert.deepEqual(found, { where: 'le décret n° 84-972 du 26 octobre 1984 relatif aux congés annuels des fonctionnaires de l’État' });
    assert.match(say.figureNotInBase(found?.where), /ne donnent pas le chiffre demandé : il est fixé par un texte d’application \(décret ou arrêté\) qui n’est pas dans la base — ici, le décret n° 84-972/);
  });

  it('nothing to say when a cited text gives the figure in the unit asked, or when no figure is asked', () => {
    assert.equal(missingFigure('Combien de jours de congés annuels ?', ['un congé annuel d’une durée égale à cinq fois ses obligations hebdomadaires de service, soit vingt-cinq jours ouvrés']), undefined);
    assert.equal(missingFigure('Combien de jours de télétravail par semaine ?', ['ne peut être supérieure à trois jours par semaine']), undefined);
    assert.equal(missingFigure('Que dit l’article 414 ?', [principle]), undefined);
  });

  it('another subject without a known decree: the general sentence', () => {
    assert.deepEqual(missingFigure('Quel est le montant de l’indemnité de résidence ?', ['Le fonctionnaire a droit à une indemnité de résidence.']), {});
    assert.ok(!say.figureNotInBase(undefined).includes('ici,'));
  });
});
