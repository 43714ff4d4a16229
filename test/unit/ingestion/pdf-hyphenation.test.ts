import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinLine, loadPdf } from '../../../knowledge/ingestion/loaders/pdf-loader.ts';
import { REPO_ROOT } from '../../integration/helpers/knowledge-fixtures.ts';

/** Words split at a line end in a PDF: compounds keep their hyphen (« Au-delà », not « Audelà »). */
describe('PDF loader: words split at a line end', () => {
  it('keeps the hyphen of a compound, removes a typesetter’s hyphenation, keeps the hyphen when unsure', () => {
    assert.equal(joinLine('Au-', 'delà de vingt jours'), 'Au-delà de vingt jours');
    assert.equal(joinLine('un procès-', 'verbal est dressé'), 'un procès-verbal est dressé');
    assert.equal(joinLine('les agents c’est-à-', 'dire'), 'les agents c’est-à-dire');
    assert.equal(joinLine('la déclara-', 'tion en détail'), 'la déclaration en détail');
    assert.equal(joinLine('un compte épargne-', 'temps'), 'un compte épargne-temps');
    assert.equal(joinLine('la zorg-', 'lub'), 'la zorg-lub', 'unknown either way: the hyphen stays');
    assert.equal(joinLine('la déclara\u00ad', 'tion'), 'la déclaration', 'a soft hyphen is the typesetter’s');
    assert.equal(joinLine('fin de phrase -', 'Suite'), 'fin de phrase - Suite');
  });

  it('the example PDFs read « Au-delà » and « procès-verbal », never glued', async () => {
    for (const file of ['examples/hr/conges-annuels.pdf', 'examples/procedures/saisie-et-consignation.pdf']) {
      const path = join(REPO_ROOT, file);
      const loaded = await loadPdf(readFileSync(path), { source: file, displayName: file, defaultClassification: 'interne' });
      const text = loaded.documents[0]?.text ?? '';
      assert.doesNotMatch(text, /Audelà|procèsverba|épargnetemps/i, file);
    }
    const conges = await loadPdf(readFileSync(join(REPO_ROOT, 'examples/hr/conges-annuels.pdf')), { source: 'c', displayName: 'c', defaultClassification: 'interne' });
    assert.match(conges.documents[0]?.text ?? '', /Au-delà/);
    assert.equal(conges.documents[0]?.example, true, 'the banner marks the document as a fictional example');
  });
});
