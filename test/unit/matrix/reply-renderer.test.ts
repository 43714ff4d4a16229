import assert from 'node:assert/strict';
import { renderReply } from '../../../adapters/matrix/reply-renderer.ts';
import { notice, progress, type Reply } from '../../../bots/reply.ts';

const answer = (text: string, extra: Partial<Reply> = {}): Reply => ({
  kind: 'answer',
  text,
  citations: [{ index: 1, id: 'CD-60', kb: 'legal', title: 'Code des douanes, art. 60', context: 'Titre II › Chapitre IV', url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60', abstract: '…' }],
  suggestedActions: ['sources'],
  aiGenerated: true,
  feedback: true,
  ...extra,
});

describe('matrix: reply renderer', () => {
  it('renders markdown to HTML with sources as links, the AI label and the feedback hint', () => {
    const content = renderReply(answer('Les agents **peuvent** visiter les marchandises [1].'));
    assert.equal(content.msgtype, 'm.text');
    assert.equal(content.format, 'org.matrix.custom.html');
    assert.match(content.formatted_body, /<strong>peuvent<\/strong>/);
    assert.match(content.formatted_body, /<li>\[1\] <a href="https:\/\/www\.legifrance\.gouv\.fr\/codes\/article_lc\/CD-60">Code des douanes, art\. 60<\/a> — Titre II › Chapitre IV<\/li>/);
    assert.match(content.body, /^Les agents \*\*peuvent\*\* visiter/);
    assert.match(content.body, /\[1\] Code des douanes, art\. 60 — Titre II › Chapitre IV <https:\/\/www\.legifrance/);
    assert.match(content.body, /Contenu généré par IA/);
    assert.match(content.body, /👍 ou 👎/);
    assert.match(content.body, /« sources »/);
    assert.deepEqual(content['m.mentions'], {});
  });

  it('sanitises any HTML or dangerous link coming through the text or the citations', () => {
    const content = renderReply(
      answer('Question : <script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> [lien](javascript:alert(2)) <iframe src="https://evil.example"></iframe> <b onclick="x()">gras</b>', {
        citations: [{ index: 1, id: 'x', kb: 'legal', title: '<img src=x onerror=alert(3)>Titre', url: 'javascript:alert(4)', abstract: '' }],
      }),
    );
    assert.doesNotMatch(content.formatted_body, /<(script|img|iframe)\b/i, 'no dangerous tag');
    assert.doesNotMatch(content.formatted_body, /<[^>]*\s(on\w+|src|style)\s*=/i, 'no event handler or source attribute');
    assert.doesNotMatch(content.formatted_body, /href="(?!https?:)/i, 'links only to http(s)');
    assert.match(content.formatted_body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'shown as text');
    assert.match(content.formatted_body, /<li>\[1\] &lt;img src=x onerror=alert\(3\)&gt;Titre<\/li>/, 'unsafe citation URL: no link');
    assert.doesNotMatch(content.body, /javascript:alert\(4\)/);
  });

  it('keeps the Matrix allow-list (code blocks, lists, quotes)', () => {
    const content = renderReply(answer('> citation\n\n- un\n- deux\n\n```ts\nconst x = 1;\n```', { citations: [] }));
    assert.match(content.formatted_body, /<blockquote>/);
    assert.match(content.formatted_body, /<ul>\s*<li>un<\/li>/);
    assert.match(content.formatted_body, /<pre><code class="language-ts">/);
  });

  it('sends notices, errors and progress as m.notice, without footer on progress', () => {
    assert.equal(renderReply(notice('Bonjour')).msgtype, 'm.notice');
    const working = renderReply(progress('Je cherche…'));
    assert.equal(working.msgtype, 'm.notice');
    assert.equal(working.body, 'Je cherche…');
  });

  it('does not list sources twice when a notice already lists them', () => {
    const sources = renderReply({ ...answer('Sources de ma dernière réponse :\n- [1] Code des douanes, art. 60'), kind: 'notice', aiGenerated: false, feedback: false, suggestedActions: [] });
    assert.equal(sources.body.match(/\[1\]/g)?.length, 1);
  });
});
