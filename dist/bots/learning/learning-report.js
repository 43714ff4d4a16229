import * as say from "./messages.js";
export async function learningReport(store, options) {
    const { since, minGroupSize } = options;
    const rows = await store.coverage(since);
    const shown = rows.filter((row) => row.agents >= minGroupSize);
    const small = rows.filter((row) => row.agents < minGroupSize);
    const sum = (lines, service) => ({ service, agents: lines.reduce((n, row) => n + row.agents, 0), trained: lines.reduce((n, row) => n + row.trained, 0) });
    const mergedLine = sum(small, 'autres');
    const total = sum(rows, say.TOTAL);
    const activity = await store.quizActivity(since);
    return {
        since,
        minGroupSize,
        coverage: shown,
        ...(small.length > 0 ? { merged: { services: small.length, ...(mergedLine.agents >= minGroupSize ? { line: mergedLine } : {}) } } : {}),
        // With a hidden group, the total minus the shown lines would give the hidden group away: no total then.
        ...(total.agents >= minGroupSize && (small.length === 0 || mergedLine.agents >= minGroupSize) ? { total } : {}),
        quiz: activity.filter((row) => row.agents >= minGroupSize),
        hiddenBases: activity.filter((row) => row.agents < minGroupSize).length,
    };
}
/** The report in French, for the chat and `passerelle learning report`. `baseName` gives each base's name. */
export function renderReport(report, baseName) {
    const k = report.minGroupSize;
    const lines = [say.reportTitle(report.since), '', say.COVERAGE_HEADING];
    for (const row of report.coverage)
        lines.push(say.coverageLine(row.service, row.trained, row.agents));
    if (report.merged) {
        const label = say.groupedServices(report.merged.services, k);
        lines.push(report.merged.line ? say.coverageLine(label, report.merged.line.trained, report.merged.line.agents) : say.hiddenGroups(label, k));
    }
    if (report.total)
        lines.push(say.coverageLine(say.TOTAL, report.total.trained, report.total.agents));
    if (report.coverage.length === 0 && !report.merged)
        lines.push(say.NO_ACTIVITY);
    lines.push('', say.QUIZ_HEADING);
    for (const row of report.quiz)
        lines.push(say.quizLine(baseName(row.kb), row.agents, row.answers, row.correct));
    if (report.hiddenBases > 0)
        lines.push(say.hiddenGroups(`${report.hiddenBases} base(s)`, k));
    if (report.quiz.length === 0 && report.hiddenBases === 0)
        lines.push(say.NO_ACTIVITY);
    lines.push('', say.anonymityNote(k));
    return lines.join('\n');
}
