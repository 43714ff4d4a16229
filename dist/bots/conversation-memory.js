import { foldText } from "../knowledge/analysis/normalise.js";
/**
 * The last turns of a conversation (per thread in rooms), forgotten after a period of inactivity, used to
 * understand follow-up questions ("et pour un contractuel ?").
 */
export class ConversationMemory {
    state;
    turns;
    ttlMs;
    constructor(state, turns, ttlMs) {
        this.state = state;
        this.turns = turns;
        this.ttlMs = ttlMs;
    }
    async recent(conversationKey, now = new Date()) {
        if (this.turns === 0)
            return [];
        return this.state.recentTurns(conversationKey, this.turns, new Date(now.getTime() - this.ttlMs).toISOString());
    }
    async remember(conversationKey, turn) {
        if (this.turns > 0)
            await this.state.appendTurn(conversationKey, turn);
    }
    async forget(conversationKey) {
        await this.state.clearConversation(conversationKey);
    }
}
const FOLLOW_UP_START = /^(?:et|mais|alors|donc|dans ce cas|par contre|et si|meme question|idem|pareil|quid)\b/;
/** Starts that also begin many standalone questions ("Pour exiger des documents, quel grade… ?"): short questions only. */
const SHORT_FOLLOW_UP_START = /^(?:pour|combien|quel delai|jusqu)\b/;
const FOLLOW_UP_REFERENCE = /\b(?:il|elle|ils|elles|celui|celle|ceux|cela|ca|ce cas|cet article|cette regle|ce texte|ce delai|la meme|le meme|les memes|y)\b/;
/** Impersonal "il" and "il y a" refer to nothing said before. */
const IMPERSONAL = /^y a-t-il\b|\b(?:faut|s'agit|suffit|convient)-il\b|\bexiste-t-il\b|\bil (?:y a|faut|s'agit|suffit|convient|existe)\b/g;
/** Whether a question probably depends on the previous one. */
export function looksLikeFollowUp(question) {
    const folded = foldText(question).trim();
    const words = folded.split(/\s+/).filter(Boolean);
    if (words.length > 14)
        return false;
    if (FOLLOW_UP_START.test(folded) || (words.length <= 6 && SHORT_FOLLOW_UP_START.test(folded)))
        return true;
    return words.length <= 8 && FOLLOW_UP_REFERENCE.test(folded.replace(IMPERSONAL, ' '));
}
