import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PasserelleError } from '../../../bots/errors.ts';
import { chunkDocument } from '../../../knowledge/ingestion/chunker.ts';
import { loaderFor, SUPPORTED_EXTENSIONS } from '../../../knowledge/ingestion/loaders/loader-registry.ts';
import type { LoadResult } from '../../../knowledge/ingestion/loaders/loader.ts';
import type { SourceDocument } from '../../../knowledge/types.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/files/', import.meta.url));
const SENTENCE = 'La fiche de contrôle doit être signée par le chef de poste.';

async function load(name: string): Promise<LoadResult> {
  const loader = loaderFor(name);
  assert.ok(loader, `no loader for ${name}`);
  return loader(readFileSync(`${FIXTURES}${name}`), { source: `fixtures/${name}`, displayName: name, defaultClassification: 'public' });
}

async function loadOne(name: string): Promise<SourceDocument> {
  const { documents, warnings } = await load(name);
  assert.deepEqual(warnings, []);
  assert.equal(documents.length, 1);
  return documents[0] as SourceDocument;
}

async function loadError(name: string): Promise<PasserelleError> {
  try {
    await load(name);
  } catch (error) {
    assert.ok(error instanceof PasserelleError, `${name}: ${String(error)}`);
    return error;
  }
  assert.fail(`${name} was loaded without error`);
}

describe('ingestion: file loaders on the fixtures', () => {
  for (const name of ['sample.md', 'sample.html', 'sample.docx', 'sample.pdf']) {
    describe(name, () => {
      it('extracts the exact sentence with its accents, and the title', async () => {
        const document = await loadOne(name);
        assert.ok(document.text.includes(SENTENCE), document.text);
        assert.equal(document.title, 'Fiche de contrôle');
        assert.equal(document.kind, 'section');
        assert.equal(document.documentId, `fixtures/${name}`);
        assert.equal(document.source, `fixtures/${name}`);
        assert.match(document.contentHash, /^[0-9a-f]{64}$/);
      });

      it('turns the headings into sections: the sentence lands in "Modalités"', async () => {
        const chunks = chunkDocument(await loadOne(name), 'procedures', 2_000);
        assert.deepEqual(chunks.map((chunk) => chunk.section), ['Objet', 'Modalités']);
        const modalites = chunks.find((chunk) => chunk.section === 'Modalités');
        assert.ok(modalites?.text.includes(SENTENCE));
        assert.ok(!modalites?.text.includes('premier niveau'), 'Objet text leaked into Modalités');
        assert.ok(chunks.every((chunk) => !/^#/m.test(chunk.text)), 'heading markup left in chunk text');
      });
    });
  }

  for (const name of ['sample.md', 'sample.html', 'sample.docx']) {
    it(`${name}: the title heading stays above its sections in the heading path`, async () => {
      const chunks = chunkDocument(await loadOne(name), 'procedures', 2_000);
      assert.deepEqual(chunks.map((chunk) => chunk.headingPath), [['Fiche de contrôle'], ['Fiche de contrôle']]);
    });
  }

  it('reads the Markdown front matter (classification interne) and leaves it out of the text', async () => {
    const document = await loadOne('sample.md');
    assert.equal(document.classification, 'interne');
    assert.ok(!document.text.includes('title:'));
  });

  it('takes the default classification when a file carries none', async () => {
    assert.equal((await loadOne('sample.docx')).classification, 'public');
  });

  it('drops HTML navigation, style and script', async () => {
    const { text } = await loadOne('sample.html');
    assert.ok(!text.includes('MENU À IGNORER'));
    assert.ok(!text.includes('SCRIPT À IGNORER'));
    assert.ok(!text.includes('font-family'));
    assert.ok(text.includes('premier niveau'));
  });

  it('gives PDF chunks their page numbers', async () => {
    const document = await loadOne('sample.pdf');
    assert.equal(document.pages?.length, document.text.split('\n\n').length);
    assert.ok(document.pages?.every((page) => page === 1));
    const chunks = chunkDocument(document, 'procedures', 2_000);
    assert.ok(chunks.length > 0);
    for (const chunk of chunks) assert.equal(chunk.pages, 'p. 1');
  });

  it('gives a two-page PDF (examples/) a page range across pages', async () => {
    const path = fileURLToPath(new URL('../../../examples/procedures/saisie-et-consignation.pdf', import.meta.url));
    const document = (await loadPdfFile(path)).documents[0] as SourceDocument;
    assert.deepEqual([...new Set(document.pages)], [1, 2]);
    const pages = chunkDocument(document, 'procedures', 300).map((chunk) => chunk.pages);
    assert.ok(pages.includes('p. 1') && pages.some((range) => range === 'p. 2' || range === 'p. 1-2'), pages.join(', '));
  });

  const failures: Array<[string, string]> = [
    ['corrupt.pdf', 'FILE_CORRUPT'],
    ['password.pdf', 'FILE_PASSWORD_PROTECTED'],
    ['image-only.pdf', 'FILE_NO_TEXT'],
    ['corrupt.docx', 'FILE_CORRUPT'],
    ['empty.md', 'FILE_EMPTY'],
    ['whitespace.txt', 'FILE_EMPTY'],
    ['binary.txt', 'FILE_BINARY'],
    ['interdit-ia.md', 'DOCUMENT_FORBIDDEN_FOR_AI'],
    ['banner-interdit-ia.txt', 'DOCUMENT_FORBIDDEN_FOR_AI'],
  ];
  for (const [name, code] of failures) {
    it(`refuses ${name} with ${code} and a French message naming the file`, async () => {
      const error = await loadError(name);
      assert.equal(error.code, code);
      assert.ok(error.userMessage.includes(name), error.userMessage);
      assert.match(error.userMessage, /fichier|document/i);
      assert.ok(!error.userMessage.includes('{'), `unfilled placeholder: ${error.userMessage}`);
    });
  }

  it('registers a loader for every supported extension and none for others', () => {
    for (const extension of ['.pdf', '.docx', '.html', '.htm', '.md', '.txt', '.jsonl']) assert.ok(SUPPORTED_EXTENSIONS.includes(extension), extension);
    assert.equal(loaderFor('note.odt'), undefined);
    assert.equal(loaderFor('archive.zip'), undefined);
    assert.ok(loaderFor('NOTE.PDF'));
  });
});

async function loadPdfFile(path: string): Promise<LoadResult> {
  return (loaderFor(path) as NonNullable<ReturnType<typeof loaderFor>>)(readFileSync(path), { source: path, displayName: 'saisie.pdf', defaultClassification: 'interne' });
}
