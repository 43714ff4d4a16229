import type { Reply } from '../../bots/reply.ts';

/** Renders a reply for a terminal: the markdown text, then numbered sources with their links. */
export function renderReply(reply: Reply): string {
  const lines = [reply.text.trim()];
  const listed = reply.kind === 'notice' && reply.text.includes('[1]');
  if (reply.citations.length > 0 && !listed && !reply.text.includes('Sources de ma dernière réponse')) {
    lines.push('', 'Sources :');
    for (const citation of reply.citations) {
      lines.push(`  [${citation.index}] ${citation.title}${citation.context ? ` — ${citation.context}` : ''}`);
      if (citation.url) lines.push(`      ${citation.url}`);
    }
  }
  if (reply.aiGenerated && reply.kind === 'answer') lines.push('', '(Contenu généré par IA — Passerelle)');
  return `${lines.join('\n')}\n`;
}
