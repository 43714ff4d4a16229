import type { Citation, Reply } from '../../bots/reply.ts';
import { escapeHtml, isSafeUrl, markdownToHtml, sanitize } from './html.ts';
import * as say from './matrix-messages.ts';

/**
 * Reply → Matrix message content: plain `body` (the markdown text, readable as is) and a sanitised
 * `org.matrix.custom.html` `formatted_body`, with the sources as a list of links, the AI label, the feedback
 * hint, the numbered choices of a quiz question and the suggested commands. Answers and replies that must
 * notify (announcements) are `m.text`; notices, errors and progress are `m.notice` (silent by default).
 * `m.mentions` is always empty: text echoed from a question ("@room") never pings anyone.
 */

/** The content of a message (without relations). */
export interface MessageContent {
  msgtype: 'm.text' | 'm.notice';
  body: string;
  format: 'org.matrix.custom.html';
  formatted_body: string;
  'm.mentions': Record<string, never>;
  [key: string]: unknown;
}

/** Renders a reply. */
export function renderReply(reply: Reply): MessageContent {
  const plain: string[] = [reply.text.trim()];
  const html: string[] = [markdownToHtml(reply.text)];
  const choices = reply.choices ?? [];
  if (choices.length > 0) {
    // Numbered replies: the agent answers with the number.
    plain.push('', ...choices.map((choice, index) => `${index + 1}. ${choice}`), say.CHOICE_HINT);
    html.push(`<ol>${choices.map((choice) => `<li>${escapeHtml(choice)}</li>`).join('')}</ol><p>${escapeHtml(say.CHOICE_HINT)}</p>`);
  }
  const sources = citationsToList(reply);
  if (sources.length > 0) {
    plain.push('', `${say.SOURCES_HEADING} :`, ...sources.map(plainCitation));
    html.push(`<p><strong>${escapeHtml(say.SOURCES_HEADING)}</strong></p><ul>${sources.map(htmlCitation).join('')}</ul>`);
  }
  const footer: string[] = [];
  if (reply.aiGenerated && reply.kind === 'answer') footer.push(say.AI_LABEL);
  if (reply.feedback && reply.kind !== 'progress') footer.push(say.FEEDBACK_HINT);
  if (reply.suggestedActions.length > 0 && reply.kind !== 'progress') footer.push(say.suggestions(reply.suggestedActions));
  if (footer.length > 0) {
    plain.push('', ...footer.map((line) => `— ${line}`));
    html.push(`<p><em>${footer.map(escapeHtml).join('<br>')}</em></p>`);
  }
  return {
    msgtype: reply.kind === 'answer' || reply.notify ? 'm.text' : 'm.notice',
    body: plain.join('\n'),
    format: 'org.matrix.custom.html',
    formatted_body: sanitize(html.join('')),
    'm.mentions': {},
  };
}

/** Citations to list under the text (none when the text already lists them, as `sources` does). */
function citationsToList(reply: Reply): Citation[] {
  if (reply.citations.length === 0) return [];
  if (reply.kind === 'notice' && reply.text.includes('[1]')) return [];
  return [...reply.citations].sort((a, b) => a.index - b.index);
}

function plainCitation(citation: Citation): string {
  const context = citation.context ? ` — ${citation.context}` : '';
  const url = isSafeUrl(citation.url) ? ` <${citation.url}>` : '';
  return `[${citation.index}] ${citation.title}${context}${url}`;
}

function htmlCitation(citation: Citation): string {
  const title = escapeHtml(citation.title);
  const link = isSafeUrl(citation.url) ? `<a href="${escapeHtml(citation.url)}">${title}</a>` : title;
  const context = citation.context ? ` — ${escapeHtml(citation.context)}` : '';
  return `<li>[${citation.index}] ${link}${context}</li>`;
}
