export function notice(text, suggestedActions = []) {
    return { kind: 'notice', text, citations: [], suggestedActions, aiGenerated: false, feedback: false };
}
export function errorReply(text) {
    return { kind: 'error', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}
export function progress(text) {
    return { kind: 'progress', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}
