import type { RetrievedPassage } from '../../knowledge/retriever.ts';
import { inForceDate, parseCommandArgs, positiveInteger, type Command } from './command.ts';
import { versionLabel, versionOf } from '../../knowledge/versions/version-labels.ts';

/** `passerelle search [--kb <id>] [--k N] [--date YYYY-MM-DD] [--json] "<question>"`: ranked passages with ids and scores. */
export const searchCommand: Command = {
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { kb: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' }, date: { type: 'string' } });
    const k = positiveInteger(values.k, 5, 'k');
    const question = positionals.join(' ');
    const knowledge = await context.knowledge();
    const bases = values.kb ? [knowledge.catalog.get(values.kb).id] : knowledge.catalog.ids;
    const inForceAt = inForceDate(values.date, context.config.retrieval.inForceAt);
    const passages: RetrievedPassage[] = [];
    for (const kb of bases) {
      const result = await knowledge.retriever.retrieve({ question, kb, maxClassification: 'diffusion-restreinte', limit: k, ...(inForceAt ? { inForceAt } : {}) });
      passages.push(...result.passages);
    }
    if (bases.length > 1) passages.sort((a, b) => b.score - a.score);
    const top = passages.slice(0, k);
    if (values.json) {
      context.out(`${JSON.stringify(top.map((passage, index) => toJson(passage, index + 1)), null, 2)}\n`);
      return 0;
    }
    if (top.length === 0) {
      context.out('Aucun passage trouvé. Vérifiez que la base a été alimentée (passerelle ingest) ou reformulez la question.\n');
      return 0;
    }
    context.out(`${top.map((passage, index) => formatPassage(passage, index + 1)).join('\n\n')}\n`);
    return 0;
  },
};

function toJson(passage: RetrievedPassage, rank: number) {
  const { chunk } = passage;
  return {
    rank,
    id: chunk.id,
    documentId: chunk.documentId,
    kb: chunk.kb,
    score: Number.isFinite(passage.score) ? Number(passage.score.toFixed(4)) : null,
    namedInQuestion: passage.namedInQuestion,
    title: chunk.title,
    headingPath: chunk.headingPath,
    section: chunk.section ?? null,
    url: chunk.url ?? null,
    classification: chunk.classification,
    version: versionOf(chunk) ?? null,
    excerpt: excerpt(chunk.text, 300),
  };
}

function formatPassage(passage: RetrievedPassage, rank: number): string {
  const { chunk } = passage;
  const score = Number.isFinite(passage.score) ? passage.score.toFixed(3) : 'article cité';
  const lines = [`${rank}. [${chunk.kb}] ${chunk.title}${chunk.section ? ` — ${chunk.section}` : ''}  (score ${score}, id ${chunk.id})`];
  if (chunk.headingPath.length > 0) lines.push(`   ${chunk.headingPath.join(' › ')}`);
  lines.push(`   ${excerpt(chunk.text, 240)}`);
  const label = versionLabel(chunk);
  if (label) lines.push(`   ${label}`);
  if (chunk.url) lines.push(`   ${chunk.url}`);
  return lines.join('\n');
}

export function excerpt(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).replace(/\s+\S*$/, '')}…`;
}
