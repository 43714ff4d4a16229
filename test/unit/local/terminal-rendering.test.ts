import assert from 'node:assert/strict';
import { renderReply } from '../../../adapters/local/render-reply.ts';
import { renderMarkdown } from '../../../adapters/local/terminal-markdown.ts';
import type { Citation, Reply } from '../../../bots/reply.ts';
import * as say from '../../../bots/user-messages.ts';

const citation = (index: number, title: string): Citation => ({ index, id: `CD-${index}#0`, kb: 'legal', title, url: `https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI00000${index}`, abstract: 'extrait' });
const reply = (text: string, extra: Partial<Reply> = {}): Reply => ({ kind: 'answer', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: true, ...extra });
const ESC = '\u001b';

describe('terminal rendering (local adapter)', () => {
  const markdown = '# Résumé court\n\n## Article 60\n\n**Code des douanes, art. 60** [1]\n> **Pour l’application des dispositions du présent code**, les agents…\n\n- `sources` — les sources\n- voir [Légifrance](https://www.legifrance.gouv.fr/)\n\n_Résumé extractif._';

  it('plain (pipe, file): no raw **, #, > or backticks; headings underlined, quotes with a bar, bullets', () => {
    const text = renderMarkdown(markdown, { ansi: false });
    assert.doesNotMatch(text, /\*\*|^#|^>|`|(^|\s)_\S/m, text);
    assert.ok(text.startsWith('Résumé court\n════════════\n'), text);
    assert.ok(text.includes('Article 60\n──────────'));
    assert.ok(text.includes('Code des douanes, art. 60 [1]\n│ Pour l’application des dispositions du présent code, les agents…'));
    assert.ok(text.includes('• sources — les sources\n• voir Légifrance (https://www.legifrance.gouv.fr/)'));
    assert.ok(text.endsWith('Résumé extractif.'));
    assert.ok(!text.includes(ESC));
  });

  it('ANSI (interactive terminal): bold, italics and headings as styles, still no Markdown markers', () => {
    const text = renderMarkdown(markdown, { ansi: true });
    assert.ok(text.includes(`${ESC}[1mCode des douanes, art. 60${ESC}[22m [1]`), text);
    assert.ok(text.includes(`${ESC}[1m${ESC}[4mRésumé court${ESC}[24m${ESC}[22m`));
    assert.ok(text.includes(`│ ${ESC}[3m`));
    assert.doesNotMatch(text, /\*\*|^#|^>/m);
  });

  it('drops control characters coming from documents (a quoted text cannot drive the terminal)', () => {
    const text = renderMarkdown(`Texte ${ESC}]0;titre piégé\u0007 ${ESC}[2J fin`, { ansi: false });
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), JSON.stringify(text));
  });

  it('an abstention lists its nearest passages once, with their links, and is not labelled AI-generated', () => {
    const citations = [citation(1, 'Code des douanes, art. 266 quater'), citation(2, 'Code des douanes, art. 414')];
    const text = `${say.abstention('Code des douanes et textes liés', true)}\n\n- [1] Code des douanes, art. 266 quater\n- [2] Code des douanes, art. 414`;
    const rendered = renderReply(reply(text, { citations, aiGenerated: false }));
    assert.equal(rendered.split('art. 266 quater').length - 1, 1, rendered);
    assert.equal(rendered.split('art. 414').length - 1, 1, rendered);
    assert.ok(rendered.includes('  [1] Code des douanes, art. 266 quater\n      https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000001'), rendered);
    assert.ok(!rendered.includes('Sources :'));
    assert.ok(!rendered.includes('Contenu généré par IA'));
  });

  it('labels only generated text: « (Contenu généré par IA) » when aiGenerated, never on verbatim quotes', () => {
    const quoted = renderReply(reply('**Code des douanes, art. 60** [1]\n> texte', { citations: [citation(1, 'Code des douanes, art. 60')], aiGenerated: false }));
    assert.ok(!quoted.includes('Contenu généré par IA'));
    assert.ok(quoted.includes('Sources :\n  [1] Code des douanes, art. 60'));
    const generated = renderReply(reply('Les agents peuvent visiter [1].', { citations: [citation(1, 'Code des douanes, art. 60')], aiGenerated: true }));
    assert.ok(generated.trimEnd().endsWith('(Contenu généré par IA — Passerelle)'));
  });
});
