import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { printedHeading } from '../../../bots/commands/job-commands.ts';
import { chunkDocument } from '../../../knowledge/ingestion/chunker.ts';
import { loadJsonl } from '../../../knowledge/ingestion/loaders/jsonl-loader.ts';
import type { VectorStore } from '../../../knowledge/ports/vector-store.ts';
import { digestArticle, sentencesOf } from '../../../worker/summarisation/article-digest.ts';
import { extractiveSummary } from '../../../worker/summarisation/extractive-summariser.ts';
import { codeSections } from '../../../worker/summarisation/summary-sources.ts';

/** The extractive summary of articles: what each article rules, every article in code order, linked. */

const CORPUS = new URL('../../../../shared/corpus/code_douanes.jsonl', import.meta.url);

async function summaryOf(from: string, to: string, length: 'court' | 'detaille' = 'court'): Promise<string> {
  const loaded = await loadJsonl(readFileSync(CORPUS), { source: 'code_douanes.jsonl', displayName: 'code_douanes.jsonl', defaultClassification: 'public' });
  const chunks = loaded.documents.flatMap((document) => chunkDocument(document, 'legal', 4_000));
  const store = { listChunks: async () => chunks } as unknown as VectorStore;
  const source = await codeSections(store, 'legal', 'Code des douanes', { type: 'articles', from, to });
  return extractiveSummary({ title: source.title, sections: source.sections, length }).markdown;
}

/** The lines under one article's heading. */
function linesOf(summary: string, article: string): string[] {
  const blocks = summary.split('\n\n');
  const block = blocks.find((entry) => entry.startsWith(`**[Article ${article}](`) || entry.startsWith(`**Article ${article}**`));
  return block ? block.split('\n').slice(1) : [];
}

describe('extractive summary of articles', () => {
  describe('digestArticle', () => {
    it('keeps the rule and the sanction, not the opening boilerplate, whole and in order', () => {
      const text = [
        'Un décret en Conseil d’État précise les conditions d’application du présent article.',
        'Les transporteurs doivent présenter aux agents des douanes le manifeste de la cargaison avant tout déchargement.',
        'Le manifeste mentionne la nature et le poids des colis.',
        'Tout manquement à cette obligation est puni d’une amende de 1 500 euros par colis non déclaré.',
      ].join('\n\n');
      const { lines } = digestArticle(text, 'court');
      assert.deepEqual(lines.map((line) => line.text), [
        'Les transporteurs doivent présenter aux agents des douanes le manifeste de la cargaison avant tout déchargement.',
        'Tout manquement à cette obligation est puni d’une amende de 1 500 euros par colis non déclaré.',
      ]);
    });

    it('keeps the divisions "I.", "II." and gives an announced enumeration as its items', () => {
      const text = 'I. — Les agents des douanes peuvent visiter les lieux suivants :\n\n1° Les ports, sauf les zones militaires ;\n\n2° Les aéroports ouverts au trafic international ;\n\nII. — Le procureur de la République est informé de chaque visite et peut s’y opposer.';
      const { lines } = digestArticle(text, 'court');
      assert.deepEqual(lines, [
        { division: 'I.', text: 'Les agents des douanes peuvent visiter les lieux suivants : 1° Les ports ; 2° Les aéroports ouverts au trafic international.' },
        { division: 'II.', text: 'Le procureur de la République est informé de chaque visite et peut s’y opposer.' },
      ]);
    });

    it('does not end a sentence at "L. 214-2", "art." or "n°"', () => {
      assert.deepEqual(sentencesOf('Ils appliquent l’article L. 214-2 du code et l’art. 60 du règlement n° 952/2013. Ensuite ils rendent compte.'), [
        'Ils appliquent l’article L. 214-2 du code et l’art. 60 du règlement n° 952/2013.',
        'Ensuite ils rendent compte.',
      ]);
    });
  });

  describe('"résume les articles 60 à 67 bis" on the real Code des douanes', function () {
    before(function () {
      if (!existsSync(CORPUS)) this.skip();
    });

    it('gives every article once, in code order, each linked to Légifrance, none cut with "…"', async () => {
      const summary = await summaryOf('60', '67 bis');
      assert.match(summary, /^\*\*Résumé court — Code des douanes, articles 60 à 67 bis\*\*\n/);
      const headings = [...summary.matchAll(/^\*\*\[Article ([^\]]+)\]\((https:\/\/www\.legifrance\.gouv\.fr\/[^)]+)\)\*\*$/gm)].map((match) => match[1]);
      assert.deepEqual(headings, [
        '60', '60-1', '60-2', '60-3', '60-4', '60-5', '60-6', '60-7', '60-8', '60-9', '60-10', '60 bis', '61', '61 bis', '62', '63', '63 bis',
        '63 ter', '64', '64 A', '64 B', '65', '65 bis', '65 bis A', '65 ter', '65 quater', '65 quinquies', '65 A', '65 A bis', '65 B', '65 C',
        '66', '66 bis', '67', '67-1', '67 bis',
      ]);
      assert.doesNotMatch(summary, /^#/m, 'bold headings, no Markdown titles');
      for (const line of summary.split('\n').filter((entry) => entry.startsWith('- ') && !entry.startsWith('- _'))) {
        assert.doesNotMatch(line, /\p{L}…$/u, `a sentence cut: ${line}`);
        assert.ok(line.length > 25, line);
      }
    });

    it('says what each article rules: who, what, the sanction; its own text under its own heading; "I.", "II." kept', async () => {
      const summary = await summaryOf('60', '67 bis');
      assert.match(linesOf(summary, '60 bis').join('\n'), /les agents des douanes peuvent la soumettre à des examens médicaux de dépistage/);
      assert.match(linesOf(summary, '60 bis').join('\n'), /sera punie d'une peine d'emprisonnement d'un an et d'une amende de 3750 euros/, 'the sanction');
      assert.match(linesOf(summary, '61').join('\n'), /Tout conducteur de moyen de transport doit se soumettre aux injonctions des agents des douanes/);
      const sixtyTwo = linesOf(summary, '62');
      assert.match(sixtyTwo[0] ?? '', /^- I\. .*les agents des douanes peuvent, à toute heure, accéder à bord et visiter tout navire/);
      assert.match(sixtyTwo[1] ?? '', /^- II\. .*peuvent ordonner le déroutement du navire/);
      assert.match(linesOf(summary, '63')[0] ?? '', /^- I\. .*visiter tout navire qui se trouve dans un port, dans une rade ou à quai/, 'not 62’s text');
      assert.match(linesOf(summary, '65').join('\n'), /grade de contrôleur peuvent exiger la communication des papiers et documents/);
      assert.match(linesOf(summary, '60-1').join('\n'), /dans les zones et les lieux suivants : 1° La zone terrestre du rayon des douanes définie à l'article 44 ; 2° Les bureaux de douane/);
    });

    it('a detailed summary gives every division of a long article', async () => {
      const summary = await summaryOf('62', '62', 'detaille');
      assert.match(summary, /^\*\*Résumé détaillé — Code des douanes, article 62\*\*/);
      const divisions = linesOf(summary, '62').map((line) => /^- ([IVX]+)\./.exec(line)?.[1]).filter(Boolean);
      assert.ok(new Set(divisions).size >= 8, divisions.join(' '));
      assert.doesNotMatch(summary, /autres paragraphes numérotés/);
    });
  });

  it('writes the part of a code as the code prints it: « titre XII », « chapitre Ier du titre III »', () => {
    assert.equal(printedHeading('titre xii'), 'titre XII');
    assert.equal(printedHeading('chapitre ier du titre iii'), 'chapitre Ier du titre III');
    assert.equal(printedHeading('section 2 du chapitre iv'), 'section 2 du chapitre IV');
  });
});
