import type { Activity } from 'botbuilder';

/**
 * Teams feedback buttons (👍/👎 under messages sent with `channelData.feedbackLoopEnabled`). Teams sends an
 * `invoke` named `message/submitAction`:
 * `{ actionName: "feedback", actionValue: { reaction: "like" | "dislike", feedback: "{\"feedbackText\":\"…\"}" } }`
 * with `replyToId` = id of the rated bot message. The invoke must be answered 200 with an empty body.
 */
export interface FeedbackInput {
  /** Id of the rated bot message (the activity's replyToId). */
  messageId: string;
  /** Entra object id when known, else the channel account id. */
  userId: string;
  rating: -1 | 1;
  comment?: string;
}

/** The feedback carried by a `message/submitAction` invoke, or undefined when it is not a feedback. */
export function parseFeedback(activity: Partial<Activity>): FeedbackInput | undefined {
  const value = activity.value as { actionName?: unknown; actionValue?: { reaction?: unknown; feedback?: unknown } } | undefined;
  if (!value || value.actionName !== 'feedback' || !value.actionValue) return undefined;
  const reaction = value.actionValue.reaction;
  if (reaction !== 'like' && reaction !== 'dislike') return undefined;
  const messageId = activity.replyToId;
  const userId = activity.from?.aadObjectId || activity.from?.id;
  if (!messageId || !userId) return undefined;
  const comment = feedbackText(value.actionValue.feedback);
  return { messageId, userId, rating: reaction === 'like' ? 1 : -1, ...(comment ? { comment } : {}) };
}

/** `feedback` is a JSON string `{"feedbackText": "…"}`; a bare string is taken as the text itself. */
function feedbackText(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') {
      const text = (parsed as { feedbackText?: unknown }).feedbackText;
      return typeof text === 'string' && text.trim() ? text.trim() : undefined;
    }
    return typeof parsed === 'string' && parsed.trim() ? parsed.trim() : undefined;
  } catch {
    return raw.trim();
  }
}
