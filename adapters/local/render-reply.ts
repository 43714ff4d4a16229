import type { Citation, Reply } from '../../bots/reply.ts';
import { renderMarkdown, type TerminalStyle } from './terminal-markdown.ts';

/**
 * Renders a reply for a terminal: the Markdown text (ANSI styles on an interactive terminal, plain typography
 * otherwise), the numbered choices of a quiz question, then numbered sources with their links. Sources the
 * text already lists (`- [1] titre`, nearest passages of an abstention) are completed in place, not listed twice.
 */
export function renderReply(reply: Reply, style: TerminalStyle = { ansi: false }): string {
  const listedInText = new Set<number>();
  const text = reply.text
    .trim()
    .split('\n')
    .flatMap((line) => {
      const listed = /^- \[(\d+)\] (.*)$/.exec(line);
      const citation = listed ? reply.citations.find((candidate) => candidate.index === Number(listed[1]) && candidate.title === listed[2]) : undefined;
      if (!citation) return [line];
      listedInText.add(citation.index);
      return [`\uE000${citation.index}`];
    })
    .join('\n');
  const rendered = renderMarkdown(text, style).replace(/^\uE000(\d+)$/gm, (_, index: string) => sourceLines(reply.citations.find((citation) => citation.index === Number(index)) as Citation).join('\n'));
  const lines = [rendered];
  // Numbered choices (quiz): the agent types the number.
  if (reply.choices && reply.choices.length > 0) lines.push('', ...reply.choices.map((choice, index) => `  ${index + 1}. ${renderMarkdown(choice, style)}`));
  const listed = reply.kind === 'notice' && reply.text.includes('[1]');
  const remaining = reply.citations.filter((citation) => !listedInText.has(citation.index));
  if (remaining.length > 0 && !listed && !reply.text.includes('Sources de ma dernière réponse')) {
    lines.push('', 'Sources :');
    for (const citation of remaining) lines.push(...sourceLines(citation));
  }
  // Only text a model wrote is labelled: verbatim quotes, abstentions and notices are not generated.
  if (reply.aiGenerated && reply.kind === 'answer') lines.push('', '(Contenu généré par IA — Passerelle)');
  return `${lines.join('\n')}\n`;
}

function sourceLines(citation: Citation): string[] {
  const lines = [`  [${citation.index}] ${citation.title}${citation.context ? ` — ${citation.context}` : ''}`];
  if (citation.url) lines.push(`      ${citation.url}`);
  return lines;
}
