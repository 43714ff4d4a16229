import { findArticleMentions, normaliseArticleNumber } from '../../knowledge/analysis/article-references.ts';
import { foldText } from '../../knowledge/analysis/normalise.ts';
import { citationOf, type PassageCitation } from '../../knowledge/answering/citations.ts';
import { clipSentence } from '../../knowledge/answering/decisive-sentence.ts';
import type { ArticleGuide, Walkthrough } from '../../knowledge/learning/article-walkthrough.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import type { Chunk } from '../../knowledge/types.ts';
import type { ConversationMemory } from '../conversation-memory.ts';
import { PasserelleError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { EXAMPLE_SOURCES_WARNING } from '../user-messages.ts';
import type { Learner } from './learner.ts';
import * as say from './messages.ts';

/**
 * `explique`: walks through the article the last answer cites (`explique 2`: its second source), or the
 * article named (`explique l'article 414`) — what it says, the notions it uses that other articles define,
 * the articles it refers to, its versions — every step quoted from the texts and cited.
 */

const QUOTE_CHARS = 400;

export class Explainer {
  constructor(
    private readonly guide: ArticleGuide,
    private readonly store: Pick<VectorStore, 'getChunks' | 'findArticle'>,
    private readonly memory: ConversationMemory,
    private readonly inForceAt: string | undefined,
  ) {}

  async explain(learner: Learner, text: string): Promise<Reply> {
    const { chunk, question } = await this.target(learner, text.trim());
    const filter = { maxClassification: learner.clearance, ...(this.inForceAt ? { inForceAt: this.inForceAt } : {}) };
    const walkthrough = await this.guide.walkThrough(chunk, { ...(question ? { question } : {}), filter });
    return render(walkthrough);
  }

  /** The article to explain and the question it answered (to choose its decisive sentence), if any. */
  private async target(learner: Learner, text: string): Promise<{ chunk: Chunk; question?: string }> {
    const folded = foldText(text);
    const source = /^\[?(\d{1,2})\]?$/.exec(folded);
    if (folded === '' || source) {
      const turns = await this.memory.recent(learner.conversationKey);
      const lastAnswer = [...turns].reverse().find((turn) => turn.role === 'assistant' && (turn.citedIds?.length ?? 0) > 0);
      if (!lastAnswer?.citedIds) throw new PasserelleError('EXPLAIN_NOTHING_CITED');
      const index = source ? Number(source[1]) - 1 : 0;
      const id = lastAnswer.citedIds[index];
      if (!id) throw new PasserelleError('EXPLAIN_SOURCE_UNKNOWN', { count: lastAnswer.citedIds.length });
      const question = [...turns].reverse().find((turn) => turn.role === 'user' && turn.at <= lastAnswer.at)?.text;
      for (const kb of lastAnswer.kb ? [lastAnswer.kb, ...learner.allowedKbs] : learner.allowedKbs) {
        if (!learner.allowedKbs.includes(kb)) continue;
        const [chunk] = await this.store.getChunks(kb, [id]);
        if (chunk) return { chunk, ...(question ? { question } : {}) };
      }
      throw new PasserelleError('EXPLAIN_NOTHING_CITED');
    }
    const mention = findArticleMentions(folded)[0] ?? { number: normaliseArticleNumber(folded.replace(/^(?:l'|la source |source )?(?:articles?|art\.?)\s*/, '')) };
    for (const kb of learner.allowedKbs) {
      const chunks = await this.store.findArticle({ kb, number: mention.number, ...(mention.code ? { code: mention.code } : {}), filter: { maxClassification: learner.clearance, ...(this.inForceAt ? { inForceAt: this.inForceAt } : {}) } });
      const first = [...chunks].sort((a, b) => a.part - b.part)[0];
      if (first) return { chunk: first };
    }
    throw new PasserelleError('EXPLAIN_ARTICLE_NOT_FOUND', { number: text.replace(/^(?:l['’]|la )?(?:articles?|art\.?)\s*/i, '') });
  }
}

/** The walkthrough in French, each step citing its chunk ([1] is the article). */
export function render(walkthrough: Walkthrough): Reply {
  const citations: PassageCitation[] = [];
  const cite = (chunk: Chunk): number => {
    const known = citations.find((citation) => citation.id === chunk.id);
    if (known) return known.index;
    citations.push(citationOf(chunk, citations.length + 1));
    return citations.length;
  };
  const { article } = walkthrough;
  const own = cite(article);
  const context = article.headingPath.length > 0 ? article.headingPath.slice(-2).join(' › ') : undefined;
  const lines = [say.walkthroughTitle(article.title, own, context), '', `${say.STEP_SAYS} [${own}]`, `> ${bold(clipSentence(walkthrough.decisive, QUOTE_CHARS))}`];
  for (const sentence of walkthrough.sentences) lines.push(`> ${clipSentence(sentence, QUOTE_CHARS)}`);
  if (walkthrough.omitted > 0) lines.push(say.moreSentences(walkthrough.omitted, own));

  lines.push('', say.STEP_DEFINITIONS);
  if (walkthrough.definitions.length === 0) lines.push(say.NO_DEFINITIONS);
  for (const definition of walkthrough.definitions) {
    lines.push(`- « ${definition.notion} » — ${definition.chunk.title} [${cite(definition.chunk)}] :`, `  > ${clipSentence(definition.sentence, QUOTE_CHARS)}`);
  }

  lines.push('', say.STEP_REFERENCES);
  if (walkthrough.references.length === 0 && walkthrough.missing.length === 0) lines.push(say.NO_REFERENCES);
  for (const reference of walkthrough.references) {
    lines.push(`- ${reference.chunk.title} [${cite(reference.chunk)}] :`, `  > ${clipSentence(reference.sentence, QUOTE_CHARS)}`);
  }
  if (walkthrough.missing.length > 0) lines.push(say.missingReferences(walkthrough.missing));

  lines.push('', say.STEP_VERSIONS, say.inForceSince(walkthrough.versions.validFrom, own, walkthrough.versions.validTo));
  if (walkthrough.versions.others.length === 0) lines.push(say.ONE_VERSION);
  for (const other of walkthrough.versions.others) {
    lines.push(say.previousVersion(other.validFrom, other.validTo, cite(other.chunk)));
    for (const sentence of other.added) lines.push(`  ${say.ADDED} « ${clipSentence(sentence, QUOTE_CHARS)} »`);
    for (const sentence of other.removed) lines.push(`  ${say.REMOVED} « ${clipSentence(sentence, QUOTE_CHARS)} »`);
    if (other.added.length === 0 && other.removed.length === 0) lines.push(`  ${say.SAME_SENTENCES}`);
  }
  lines.push('', say.WALKTHROUGH_FOOTER);
  // A fictional example document is said to be one before anything else, as answers do.
  if (citations.some((citation) => citation.example)) lines.unshift(EXAMPLE_SOURCES_WARNING, '');
  return { kind: 'answer', text: lines.join('\n'), citations, suggestedActions: ['quiz ' + quizScopeOf(article)], aiGenerated: true, feedback: false };
}

function bold(sentence: string): string {
  return /[*_]/.test(sentence) ? sentence : `**${sentence}**`;
}

/** "quiz article 414": the quiz on the article just explained. */
function quizScopeOf(article: Chunk): string {
  return article.article ? `article ${article.article.number}` : article.title;
}
