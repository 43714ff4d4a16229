import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knowledge } from '../../../knowledge/create-knowledge.ts';
import { FIXTURES, makeTempDir, openKnowledge, SENTENCE } from '../helpers/knowledge-fixtures.ts';

const TARGET = { kb: 'procedures', ceiling: 'diffusion-restreinte' } as const;

describe('ingestion service: bad files in a batch (real embedded store)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let knowledge: Knowledge;

  beforeEach(async () => {
    temp = makeTempDir('ingest-errors');
    knowledge = await openKnowledge(join(temp.path, 'data'), {}, { ingestion: { maxFileBytes: 4_096 } });
  });
  afterEach(async () => {
    await knowledge.close();
    temp.remove();
  });

  it('puts the good files in and lists every bad one with its code and French message', async () => {
    const names = ['sample.md', 'corrupt.pdf', 'sample.html', 'password.pdf', 'image-only.pdf', 'corrupt.docx', 'empty.md', 'whitespace.txt', 'binary.txt', 'interdit-ia.md', 'banner-interdit-ia.txt', 'sample.pdf'];
    // Named as a user would type them from the project root: the report shows paths as typed.
    const report = await knowledge.ingestion.ingest(TARGET, names.map((name) => join('test/fixtures/files', name)));
    assert.equal(report.files, names.length);
    assert.equal(report.added, 3);
    assert.deepEqual(
      report.skipped.map((skipped) => [skipped.file, skipped.code]),
      [
        ['corrupt.pdf', 'FILE_CORRUPT'],
        ['password.pdf', 'FILE_PASSWORD_PROTECTED'],
        ['image-only.pdf', 'FILE_NO_TEXT'],
        ['corrupt.docx', 'FILE_CORRUPT'],
        ['empty.md', 'FILE_EMPTY'],
        ['whitespace.txt', 'FILE_EMPTY'],
        ['binary.txt', 'FILE_BINARY'],
        ['interdit-ia.md', 'DOCUMENT_FORBIDDEN_FOR_AI'],
        ['banner-interdit-ia.txt', 'DOCUMENT_FORBIDDEN_FOR_AI'],
      ].map(([file, code]) => [join('test/fixtures/files', file as string), code]),
    );
    for (const skipped of report.skipped) {
      assert.ok(skipped.message.includes(skipped.file.split('/').pop() as string), skipped.message);
      assert.match(skipped.message, /(fichier|document) test\/fixtures/);
    }
    const documents = await knowledge.store.listDocuments('procedures');
    assert.deepEqual(documents.map((document) => document.documentId), ['test/fixtures/files/sample.html', 'test/fixtures/files/sample.md', 'test/fixtures/files/sample.pdf']);
    const result = await knowledge.retriever.retrieve({ question: 'Qui signe la fiche de contrôle ?', kb: 'procedures', maxClassification: 'diffusion-restreinte' });
    assert.ok(result.passages[0]?.chunk.text.includes(SENTENCE));
    const texts = (await knowledge.retriever.retrieve({ question: 'note de service interdit', kb: 'procedures', maxClassification: 'interdit-ia', limit: 50 })).passages;
    assert.ok(texts.every((passage) => !passage.chunk.source.includes('interdit')), 'an interdit-ia file reached the index');
  });

  it('refuses an unknown extension with FILE_UNSUPPORTED, listing the accepted formats', async () => {
    const file = join(temp.path, 'note.odt');
    writeFileSync(file, 'Texte.');
    const report = await knowledge.ingestion.ingest(TARGET, [file]);
    assert.equal(report.skipped[0]?.code, 'FILE_UNSUPPORTED');
    assert.match(report.skipped[0]?.message ?? '', /note\.odt.*\.pdf.*\.docx/);
  });

  it('refuses a file larger than maxFileBytes with FILE_TOO_LARGE and its size', async () => {
    const file = join(temp.path, 'gros.txt');
    writeFileSync(file, 'Une phrase de texte ordinaire. '.repeat(200));
    const report = await knowledge.ingestion.ingest(TARGET, [file]);
    assert.deepEqual(report.skipped.map((skipped) => skipped.code), ['FILE_TOO_LARGE']);
    assert.match(report.skipped[0]?.message ?? '', /gros\.txt est trop volumineux \(6,1 Ko, maximum 4 Ko\)/);
    assert.equal(await knowledge.store.count('procedures'), 0);
  });

  it('reports a missing path as PATH_NOT_FOUND and still ingests the rest', async () => {
    const report = await knowledge.ingestion.ingest(TARGET, [join(temp.path, 'absent.md'), join(FIXTURES, 'sample.md')]);
    assert.deepEqual(report.skipped.map((skipped) => [skipped.file, skipped.code]), [[join(temp.path, 'absent.md'), 'PATH_NOT_FOUND']]);
    assert.equal(report.added, 1);
    assert.equal(report.files, 2, 'every path named counts as a file, so one failure out of two is not "all failed"');
  });

  it('reports a path that is not a regular file (FIFO) as FILE_UNREADABLE instead of ignoring it', async () => {
    const fifo = join(temp.path, 'tube.txt');
    execFileSync('mkfifo', [fifo]);
    const report = await knowledge.ingestion.ingest(TARGET, [fifo]);
    assert.deepEqual(report.skipped.map((skipped) => [skipped.file, skipped.code]), [[fifo, 'FILE_UNREADABLE']]);
    assert.equal(report.files, 1);
  });

  it('walks folders, skipping hidden files and reporting bad files inside', async () => {
    const folder = join(temp.path, 'notes');
    mkdirSync(join(folder, 'sous-dossier'), { recursive: true });
    writeFileSync(join(folder, 'a.md'), '# A\n\nPremière note de service.');
    writeFileSync(join(folder, 'sous-dossier', 'b.txt'), 'Deuxième note de service.');
    writeFileSync(join(folder, '.cache.md'), '# Caché\n\nNe doit pas entrer.');
    writeFileSync(join(folder, 'vide.md'), '');
    const report = await knowledge.ingestion.ingest(TARGET, [folder]);
    assert.equal(report.files, 3);
    assert.equal(report.added, 2);
    assert.deepEqual(report.skipped.map((skipped) => skipped.code), ['FILE_EMPTY']);
    assert.ok((await knowledge.store.listDocuments('procedures')).every((document) => !document.source.includes('.cache')));
  });

  it('refuses a document classified above the base ceiling (CLASSIFICATION_ABOVE_CEILING)', async () => {
    const file = join(temp.path, 'note-dr.md');
    writeFileSync(file, '---\nclassification: diffusion-restreinte\n---\n# Note\n\nConsignes de service.');
    const report = await knowledge.ingestion.ingest({ kb: 'procedures', ceiling: 'interne' }, [file]);
    assert.equal(report.skipped[0]?.code, 'CLASSIFICATION_ABOVE_CEILING');
    assert.equal(report.skipped[0]?.message, `Le document ${file} est classifié « diffusion-restreinte », au-dessus du plafond « interne » de la base procedures.`);
    assert.equal(await knowledge.store.count('procedures'), 0);
  });

  it('in a JSONL, skips only the records above the ceiling, with a warning', async () => {
    const file = join(temp.path, 'articles.jsonl');
    const record = { code: 'Code des douanes', num: '1', text: 'Texte.', title_path: [], valid_from: null, valid_to: null };
    writeFileSync(file, [{ ...record, id: 'A' }, { ...record, id: 'B', classification: 'diffusion-restreinte' }].map((r) => JSON.stringify(r)).join('\n'));
    const report = await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'interne' }, [file]);
    assert.equal(report.added, 1);
    assert.deepEqual(report.skipped, []);
    assert.match(report.warnings[0]?.message ?? '', /« B » \(diffusion-restreinte\) dépasse le plafond « interne »/);
    assert.deepEqual((await knowledge.store.listDocuments('legal')).map((document) => document.documentId), ['A']);
  });
});
