import { ArticleHistory, comparisonJson } from '../../knowledge/versions/article-history.ts';
import { markedText } from '../../knowledge/versions/change-summary.ts';
import { isIsoDay } from '../../knowledge/versions/question-dates.ts';
import { describeVersion, versionUrl } from '../../knowledge/versions/version-labels.ts';
import { findArticleMentions } from '../../knowledge/analysis/article-references.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `passerelle diff --kb <id> <article> [--code <name>] [--from DATE] [--to DATE] [--json]`: what changed in an article
 * between the version in force at `--from` (default: the version before) and the one in force at `--to` (default:
 * today), word by word. JSON: `{article, from: {version_id, valid_from, valid_to}, to: {…}, changes: [{op, text}]}`.
 */
export const diffCommand: Command = {
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { kb: { type: 'string' }, code: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } });
    if (!values.kb) throw new UsageError('précisez la base : --kb <id>');
    if (positionals.length === 0) throw new UsageError('précisez le numéro de l’article, par exemple « passerelle diff --kb legal 414 »');
    for (const [name, value] of [['--from', values.from], ['--to', values.to]] as const) {
      if (value !== undefined && !isIsoDay(value)) throw new UsageError(`${name} attend une date réelle au format AAAA-MM-JJ (reçu « ${value} »)`);
    }
    if (values.from && values.to && values.from > values.to) throw new UsageError('--from doit précéder --to');
    const typed = positionals.join(' ');
    // "414", "art. 414", "L. 621-1 du CGFP": the number (and the code, when named) as the analyser reads them.
    const mention = findArticleMentions(/^\s*(?:art|article)\b/i.test(typed) ? typed : `article ${typed}`)[0];
    if (!mention) throw new UsageError(`numéro d’article illisible « ${typed} »`);
    const knowledge = await context.knowledge();
    knowledge.catalog.get(values.kb);
    const comparison = await new ArticleHistory(knowledge.store).compare({
      kb: values.kb,
      number: mention.number,
      clearance: 'diffusion-restreinte',
      ...(values.code ?? mention.code ? { code: (values.code ?? mention.code) as string } : {}),
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
    });
    if (values.json) {
      context.out(`${JSON.stringify(comparisonJson(comparison))}\n`);
      return 0;
    }
    const { from, to } = comparison;
    const lines = [
      comparison.article,
      `  de : ${describeVersion(from.article)} — ${versionUrl(from.chunk) ?? from.chunk.id}`,
      `  à  : ${describeVersion(to.article)} — ${versionUrl(to.chunk) ?? to.chunk.id}`,
      '',
    ];
    if (from === to) lines.push('Une seule version de cet article dans la base : rien à comparer.');
    else if (comparison.changes.every((change) => change.op === 'equal')) lines.push('Texte identique entre ces deux versions.');
    else lines.push('Supprimé entre [- -], ajouté entre {+ +} :', '', markedText(comparison.changes));
    context.out(`${lines.join('\n')}\n`);
    return 0;
  },
};
