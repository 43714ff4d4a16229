/**
 * Long computations over a whole base (quiz items, definitions) written as generators that yield after each
 * unit of work, run either at once (tests, the CLI) or cooperatively: the event loop is handed back whenever
 * `budgetMs` of work has passed, so that the bot process keeps acknowledging messages meanwhile.
 */
export function runAtOnce(steps) {
    for (;;) {
        const next = steps.next();
        if (next.done)
            return next.value;
    }
}
export async function runCooperatively(steps, budgetMs = 15) {
    let started = performance.now();
    for (;;) {
        const next = steps.next();
        if (next.done)
            return next.value;
        if (performance.now() - started >= budgetMs) {
            await new Promise((resolve) => setImmediate(resolve));
            started = performance.now();
        }
    }
}
