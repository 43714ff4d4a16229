import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEntry, EnrichmentEntrySchema, textHash, toDocumentEnrichment, type EnrichmentEntry } from '../../../knowledge/enrichment/enrichment.ts';
import { EnrichmentLookup } from '../../../knowledge/enrichment/enrichment-lookup.ts';
import { readEntries, SHIPPED_ENRICHMENT_DIR, ShippedEnrichment } from '../../../knowledge/enrichment/shipped-enrichment.ts';

const entry = (overrides: Partial<EnrichmentEntry> = {}): EnrichmentEntry => ({
  id: 'CD-414', text_sha256: textHash('Texte de l’article.'), subject: 'Contrebande', questions: ['c’est puni comment ?'], terms: ['trafic'],
  origin: 'team', status: 'approved', ...overrides,
});

describe('enrichment: entries, authority, shipped data', () => {
  it('ties an entry to the text it was written from, whitespace aside', () => {
    assert.equal(textHash('Texte   de\nl’article. '), textHash('Texte de l’article.'));
    assert.notEqual(textHash('Texte de l’article modifié.'), textHash('Texte de l’article.'));
    assert.match(textHash('x'), /^[0-9a-f]{16}$/);
  });

  it('chooses the entry written for this very text, curator over team over machine; drafts only when allowed', () => {
    const hash = textHash('Texte de l’article.');
    const team = entry();
    const curator = entry({ origin: 'curator', subject: 'Par la curatrice' });
    const draft = entry({ origin: 'model', status: 'draft', subject: 'Brouillon machine' });
    const stale = entry({ origin: 'curator', text_sha256: textHash('Ancienne version.') });
    assert.equal(chooseEntry([team, curator, draft], hash, true)?.subject, 'Par la curatrice');
    assert.equal(chooseEntry([stale, team], hash, true)?.subject, 'Contrebande');
    assert.equal(chooseEntry([draft], hash, true)?.subject, 'Brouillon machine');
    assert.equal(chooseEntry([draft], hash, false), undefined);
    assert.equal(chooseEntry([stale], hash, true), undefined);
  });

  it('renders the indexed field: subject, questions, terms — never the article’s text', () => {
    const rendered = toDocumentEnrichment(entry({ terms: ['trafic', 'stups'] }));
    assert.equal(rendered.text, 'Contrebande\nc’est puni comment ?\ntrafic ; stups');
    assert.deepEqual([rendered.origin, rendered.status], ['team', 'approved']);
  });

  it('looks up written entries before the shipped ones', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'passerelle-enrichment-'));
    try {
      writeFileSync(join(folder, 'code.jsonl'), `${JSON.stringify(entry())}\n`);
      const written = { get: async (kb: string, id: string) => (kb === 'legal' && id === 'CD-414' ? entry({ origin: 'curator', subject: 'Corrigé' }) : undefined) };
      const hash = textHash('Texte de l’article.');
      assert.equal((await new EnrichmentLookup(new ShippedEnrichment(folder), written, true).lookup('legal', 'CD-414', hash))?.subject, 'Corrigé');
      assert.equal((await new EnrichmentLookup(new ShippedEnrichment(folder), undefined, true).lookup('hr', 'CD-414', hash))?.subject, 'Contrebande');
      assert.equal(await new EnrichmentLookup(new ShippedEnrichment(folder), undefined, true).lookup('legal', 'CD-1', hash), undefined);
      writeFileSync(join(folder, 'broken.jsonl'), '{"id":"CD-1"}\n');
      assert.throws(() => readEntries(folder), /broken\.jsonl:1: invalid enrichment entry/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ships one valid, approved team entry per article of the four codes (3,077)', () => {
    const entries = readEntries(SHIPPED_ENRICHMENT_DIR);
    assert.equal(entries.size, 3_077);
    const prefixes = new Map<string, number>();
    for (const value of entries.values()) {
      EnrichmentEntrySchema.parse(value);
      assert.equal(value.origin, 'team');
      assert.equal(value.status, 'approved');
      const prefix = value.id.split('-')[0] as string;
      prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(prefixes), { CD: 478, CGFP: 1_284, CPCMR: 256, CIBS: 1_059 });
    // The README of the data folder documents how the entries were written.
    assert.match(readFileSync(join(SHIPPED_ENRICHMENT_DIR, '..', 'README.md'), 'utf8'), /never from evaluation questions/);
  });

  it('states no figure its article does not contain: every number of a shipped question is in the text it was written from', function () {
    const corpus = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
    if (!existsSync(corpus)) this.skip();
    const texts = new Map<string, string>();
    for (const file of readdirSync(corpus).filter((name) => name.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(corpus, file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const record = JSON.parse(line) as { id?: string; text?: string; question?: string; answer?: string };
        if (record.id) texts.set(record.id, [record.text, record.question, record.answer].filter(Boolean).join('\n'));
      }
    }
    const invented: string[] = [];
    for (const value of readEntries(SHIPPED_ENRICHMENT_DIR).values()) {
      const text = texts.get(value.id);
      assert.ok(text !== undefined, `${value.id}: no such record in the shared corpus`);
      for (const question of value.questions) for (const number of question.match(/\d+/g) ?? []) if (!text.includes(number)) invented.push(`${value.id}: « ${question} »`);
    }
    assert.deepEqual(invented, []);
  });
});
