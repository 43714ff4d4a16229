/** The feedback carried by a `message/submitAction` invoke, or undefined when it is not a feedback. */
export function parseFeedback(activity) {
    const value = activity.value;
    if (!value || value.actionName !== 'feedback' || !value.actionValue)
        return undefined;
    const reaction = value.actionValue.reaction;
    if (reaction !== 'like' && reaction !== 'dislike')
        return undefined;
    const messageId = activity.replyToId;
    const userId = activity.from?.aadObjectId || activity.from?.id;
    if (!messageId || !userId)
        return undefined;
    const comment = feedbackText(value.actionValue.feedback);
    return { messageId, userId, rating: reaction === 'like' ? 1 : -1, ...(comment ? { comment } : {}) };
}
/** `feedback` is a JSON string `{"feedbackText": "…"}`; a bare string is taken as the text itself. */
function feedbackText(raw) {
    if (typeof raw !== 'string' || raw.trim() === '')
        return undefined;
    try {
        const parsed = JSON.parse(raw);
        if (parsed && typeof parsed === 'object') {
            const text = parsed.feedbackText;
            return typeof text === 'string' && text.trim() ? text.trim() : undefined;
        }
        return typeof parsed === 'string' && parsed.trim() ? parsed.trim() : undefined;
    }
    catch {
        return raw.trim();
    }
}
