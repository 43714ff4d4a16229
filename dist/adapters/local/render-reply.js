/** Renders a reply for a terminal: the markdown text, the numbered choices of a quiz question, then numbered sources with their links. */
export function renderReply(reply) {
    const lines = [reply.text.trim()];
    // Numbered choices (quiz): the agent types the number.
    if (reply.choices && reply.choices.length > 0)
        lines.push('', ...reply.choices.map((choice, index) => `  ${index + 1}. ${choice}`));
    const listed = reply.kind === 'notice' && reply.text.includes('[1]');
    if (reply.citations.length > 0 && !listed && !reply.text.includes('Sources de ma dernière réponse')) {
        lines.push('', 'Sources :');
        for (const citation of reply.citations) {
            lines.push(`  [${citation.index}] ${citation.title}${citation.context ? ` — ${citation.context}` : ''}`);
            if (citation.url)
                lines.push(`      ${citation.url}`);
        }
    }
    if (reply.aiGenerated && reply.kind === 'answer')
        lines.push('', '(Contenu généré par IA — Passerelle)');
    return `${lines.join('\n')}\n`;
}
