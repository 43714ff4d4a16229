import assert from 'node:assert/strict';
import { classificationFromBanner, parseClassificationLabel, resolveClassification } from '../../../knowledge/ingestion/classification.ts';
import { loadMarkdown } from '../../../knowledge/ingestion/loaders/markdown-loader.ts';
import { loadText } from '../../../knowledge/ingestion/loaders/text-loader.ts';
import { loadHtml } from '../../../knowledge/ingestion/loaders/html-loader.ts';
import { loadJsonl } from '../../../knowledge/ingestion/loaders/jsonl-loader.ts';
import type { PasserelleError } from '../../../bots/errors.ts';
import type { Classification } from '../../../knowledge/types.ts';

const context = (defaultClassification: Classification) => ({ source: 'note', displayName: 'note', defaultClassification });

describe('ingestion: classification', () => {
  describe('labels', () => {
    const cases: Array<[string, Classification | undefined]> = [
      ['public', 'public'],
      ['Interne', 'interne'],
      ['diffusion restreinte', 'diffusion-restreinte'],
      ['DIFFUSION_RESTREINTE', 'diffusion-restreinte'],
      ['interdit-ia', 'interdit-ia'],
      ['Interdit IA', 'interdit-ia'],
      ['interdit à l’IA', 'interdit-ia'],
      ['interdit à l’intelligence artificielle', 'interdit-ia'],
      ['secret', undefined],
      ['', undefined],
    ];
    for (const [label, expected] of cases) it(`"${label}" → ${expected ?? 'not a label'}`, () => assert.equal(parseClassificationLabel(label), expected));
    it('ignores values that are not strings', () => {
      assert.equal(parseClassificationLabel(3), undefined);
      assert.equal(parseClassificationLabel(undefined), undefined);
    });
  });

  describe('banners in the first lines', () => {
    it('reads INTERDIT IA banners', () => {
      assert.equal(classificationFromBanner("INTERDIT IA — ne pas soumettre à un outil d'intelligence artificielle\n\nNote."), 'interdit-ia');
      assert.equal(classificationFromBanner('Document interdit aux IA.\n\nNote.'), 'interdit-ia');
    });
    it('reads DIFFUSION RESTREINTE and explicit "Classification :" lines', () => {
      assert.equal(classificationFromBanner('DIFFUSION RESTREINTE\n\nNote de service.'), 'diffusion-restreinte');
      assert.equal(classificationFromBanner('EXEMPLE\n\nClassification : interne\n\nTexte.'), 'interne');
      assert.equal(classificationFromBanner('Classification : public'), 'public');
    });
    it('ignores a marking far below the head of the text', () => {
      assert.equal(classificationFromBanner(`${'Texte ordinaire. '.repeat(60)}\n\nDIFFUSION RESTREINTE`), undefined);
    });
    it('an unknown label on a « Classification : » line is an error', () => {
      assert.throws(() => classificationFromBanner('NOTE\n\nClassification : confidentiel\n\nTexte.'), { code: 'CLASSIFICATION_UNKNOWN' });
      assert.throws(() => classificationFromBanner('**Classification : Confidentiel Défense**\n\nTexte.'), { code: 'CLASSIFICATION_UNKNOWN' });
    });
    it('a tariff classification is not a marking', () => {
      assert.equal(classificationFromBanner('Classification : position 2203 00 01 du tarif\n\nLes bières…'), undefined);
      assert.equal(classificationFromBanner('La classification : tarifaire des marchandises relève du SH, chapitre par chapitre.'), undefined);
    });
    it('finds nothing in an unmarked text', () => {
      assert.equal(classificationFromBanner('La fiche de contrôle doit être signée par le chef de poste.'), undefined);
    });
  });

  describe('resolution order: explicit label, then banner, then default', () => {
    it('explicit label wins over a banner', () => assert.equal(resolveClassification('public', 'DIFFUSION RESTREINTE', 'interne'), 'public'));
    it('banner wins over the default', () => assert.equal(resolveClassification(undefined, 'DIFFUSION RESTREINTE\n\nTexte', 'public'), 'diffusion-restreinte'));
    it('an unknown explicit label is an error naming the known labels, not the banner or the default (issue 11)', () => {
      assert.throws(() => resolveClassification('confidentiel', 'DIFFUSION RESTREINTE', 'public'), (error: PasserelleError) => {
        assert.equal(error.code, 'CLASSIFICATION_UNKNOWN');
        assert.equal(
          error.userMessage,
          'La classification « confidentiel » n’est pas reconnue : le document n’a pas été versé. Classifications reconnues : public, interne, diffusion-restreinte, interdit-ia.',
        );
        return true;
      });
      assert.throws(() => resolveClassification(3, 'Texte.', 'interne'), { code: 'CLASSIFICATION_UNKNOWN' });
    });
    it('an empty or null label counts as none', () => {
      assert.equal(resolveClassification('', 'Texte.', 'interne'), 'interne');
      assert.equal(resolveClassification(null, 'DIFFUSION RESTREINTE', 'interne'), 'diffusion-restreinte');
    });
    it('default when nothing else', () => assert.equal(resolveClassification(undefined, 'Texte.', 'interne'), 'interne'));
  });

  describe('through the loaders', () => {
    it('Markdown front matter', async () => {
      const { documents } = await loadMarkdown(Buffer.from('---\nclassification: diffusion-restreinte\n---\n# Note\n\nTexte.'), context('public'));
      assert.equal(documents[0]?.classification, 'diffusion-restreinte');
    });
    it('Markdown front matter "interdit à l’IA" refuses the file', async () => {
      await assert.rejects(
        loadMarkdown(Buffer.from("---\nclassification: interdit à l'IA\n---\n# Note\n\nTexte."), context('public')),
        { code: 'DOCUMENT_FORBIDDEN_FOR_AI' },
      );
    });
    it('text banner', async () => {
      const { documents } = await loadText(Buffer.from('DIFFUSION RESTREINTE\n\nNote de service.'), context('public'));
      assert.equal(documents[0]?.classification, 'diffusion-restreinte');
    });
    it('HTML meta tag', async () => {
      const html = '<html><head><meta name="classification" content="interne"><title>N</title></head><body><p>Texte.</p></body></html>';
      assert.equal((await loadHtml(Buffer.from(html), context('public'))).documents[0]?.classification, 'interne');
    });
    it('an unknown label in front matter, a JSONL field or an HTML meta tag refuses the file', async () => {
      await assert.rejects(loadMarkdown(Buffer.from('---\nclassification: confidentiel\n---\n# Note\n\nTexte.'), context('public')), { code: 'CLASSIFICATION_UNKNOWN' });
      const jsonl = [{ id: 'A', title: 'Note A', text: 'Texte.' }, { id: 'B', title: 'Note B', text: 'Texte.', classification: 'confidentiel' }].map((record) => JSON.stringify(record)).join('\n');
      await assert.rejects(loadJsonl(Buffer.from(jsonl), context('interne')), { code: 'CLASSIFICATION_UNKNOWN' });
      const html = '<html><head><meta name="classification" content="secret"><title>N</title></head><body><p>Texte.</p></body></html>';
      await assert.rejects(loadHtml(Buffer.from(html), context('public')), { code: 'CLASSIFICATION_UNKNOWN' });
    });
    it('default of the source', async () => {
      assert.equal((await loadText(Buffer.from('Note sans marque.'), context('public'))).documents[0]?.classification, 'public');
    });
  });
});
