/**
 * When to ask an item again (Leitner boxes): a missed item goes back to box 1 and comes back the next day; a
 * right answer moves it up one box, each box waiting longer (1, 3, 7, 16, then 35 days). A quiz asks the
 * items that are due first, so missed items come back spaced out until they are known.
 */
/** Days to wait before asking again, by box (index 0 unused). */
export const BOX_DAYS = [0, 1, 3, 7, 16, 35];
export const TOP_BOX = BOX_DAYS.length - 1;
export function nextReview(previous, answer) {
    // A first right answer starts in box 2: the item was known already.
    const box = answer.correct ? Math.min(TOP_BOX, (previous?.box ?? 1) + 1) : 1;
    return {
        learnerHash: answer.learnerHash,
        itemId: answer.itemId,
        kb: answer.kb,
        box,
        dueAt: new Date(answer.at.getTime() + BOX_DAYS[box] * 86_400_000).toISOString(),
        lastAnsweredAt: answer.at.toISOString(),
        correctCount: (previous?.correctCount ?? 0) + (answer.correct ? 1 : 0),
        wrongCount: (previous?.wrongCount ?? 0) + (answer.correct ? 0 : 1),
    };
}
