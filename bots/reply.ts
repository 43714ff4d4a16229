/** What the bot sends: markdown text plus structured citations that each channel renders its own way. */
import type { PassageCitation } from '../knowledge/answering/citations.ts';

/** A cited passage, as knowledge/answering builds it (`[n]` marker, chunk id, title, link, short extract). */
export type Citation = PassageCitation;

export type ReplyKind = 'answer' | 'notice' | 'error' | 'progress';

export interface Reply {
  kind: ReplyKind;
  /** Markdown. */
  text: string;
  citations: Citation[];
  /** Short follow-ups the channel may show as buttons ("sources", "aide"). */
  suggestedActions: string[];
  /** True for AI-generated content: channels add their AI label. */
  aiGenerated: boolean;
  /** Ask the channel to offer feedback buttons (answers only). */
  feedback: boolean;
  /** Set for answers so feedback and `sources` find the question and cited ids later. */
  answerOf?: { question: string; kb?: string };
  /**
   * Numbered answers to pick from (quiz, training check): the agent answers with the number. Teams shows
   * Adaptive Card buttons that post it; Tchap and the terminal show a numbered list.
   */
  choices?: string[];
  /**
   * Sent as a reply to the message that asked, where the channel shows replies (a document's summary in a
   * direct chat answers the file itself).
   */
  inReplyToRequest?: boolean;
  /**
   * A message that must alert its recipient (announcements): Tchap sends it as `m.text`, which the default
   * push rules notify (an `m.notice` stays silent).
   */
  notify?: boolean;
}

export function notice(text: string, suggestedActions: string[] = []): Reply {
  return { kind: 'notice', text, citations: [], suggestedActions, aiGenerated: false, feedback: false };
}

/** The reply with a notice the user is owed (the AI notice of a first exchange) after its text, in the same message. */
export function withNotice(reply: Reply, noticeText: string): Reply {
  return { ...reply, text: reply.text ? `${reply.text}\n\n${noticeText}` : noticeText };
}

export function errorReply(text: string): Reply {
  return { kind: 'error', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}

export function progress(text: string): Reply {
  return { kind: 'progress', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}
