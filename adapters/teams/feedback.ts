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
  /** The reason(s) picked in the feedback form ("Inexact", "Source manquante"…), comma-separated. */
  reason?: string;
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
  const { comment, reason } = feedbackForm(value.actionValue.feedback);
  return { messageId, userId, rating: reaction === 'like' ? 1 : -1, ...(comment ? { comment } : {}), ...(reason ? { reason } : {}) };
}

/** Longest reason kept (characters); the comment is capped by the core. */
const MAX_REASON_CHARS = 500;

/**
 * `feedback` is the form's values: a JSON string (or, from some clients, an object) with `feedbackText`
 * and, from forms that offer them, the reason(s) picked (`reason` or `reasons`, a string or a list;
 * `category`/`categories` are read the same way). A bare string is taken as the text itself.
 */
function feedbackForm(raw: unknown): { comment?: string; reason?: string } {
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { comment: raw.trim() };
    }
  }
  if (typeof parsed === 'string') return parsed.trim() ? { comment: parsed.trim() } : {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const form = parsed as Record<string, unknown>;
  const text = typeof form.feedbackText === 'string' && form.feedbackText.trim() ? form.feedbackText.trim() : undefined;
  const picked = [form.reason, form.reasons, form.category, form.categories]
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .map((value) => value.trim());
  const reason = [...new Set(picked)].join(', ').slice(0, MAX_REASON_CHARS);
  return { ...(text ? { comment: text } : {}), ...(reason ? { reason } : {}) };
}
