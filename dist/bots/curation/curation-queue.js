import { createHash } from 'node:crypto';
import { redactPersonalData } from "../../knowledge/policies/redaction.js";
import { QUEUE_GROUPING, questionTerms, termSimilarity } from "./question-family.js";
export class CurationQueue {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** Groups, newest first; handled items are left out unless asked for. `depth`: records read of each log. */
    async groups(options = {}) {
        const depth = options.depth ?? 500;
        const [unanswered, feedback] = await Promise.all([this.deps.log.listUnanswered(depth), this.deps.log.listFeedback(depth)]);
        const items = [...unanswered.map(fromUnanswered), ...feedback.filter((record) => record.rating === -1 && record.question).map(fromFeedback)];
        const handled = await this.deps.marks.handledAmong(items.map((item) => item.key));
        for (const item of items)
            item.handled = handled.has(item.key);
        const shown = items.filter((item) => options.includeHandled || !item.handled).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
        const groups = group(shown);
        await this.attachPassages(groups);
        return groups;
    }
    async markHandled(keys, by) {
        await this.deps.marks.markHandled(keys, by, (this.deps.now?.() ?? new Date()).toISOString());
    }
    async attachPassages(groups) {
        const wanted = new Map();
        for (const entry of groups)
            for (const [id, kb] of entry.ids)
                (wanted.get(kb) ?? wanted.set(kb, new Set()).get(kb)).add(id);
        const found = new Map();
        for (const [kb, ids] of wanted)
            for (const chunk of await this.deps.chunks.getChunks(kb, [...ids]))
                found.set(`${kb}\u0000${chunk.id}`, chunk);
        for (const entry of groups) {
            entry.passages = [...entry.ids].flatMap(([id, kb]) => {
                const chunk = found.get(`${kb}\u0000${id}`);
                return chunk ? [{ id, kb, title: chunk.title, extract: chunk.text.replace(/\s+/g, ' ').slice(0, 220) }] : [{ id, kb, title: id, extract: '(passage retiré de la base)' }];
            });
            delete entry.ids;
        }
    }
}
function group(items) {
    const groups = [];
    for (const item of items) {
        const terms = questionTerms(item.question);
        const home = groups.find((candidate) => candidate.kb === item.kb && candidate.terms.some((other) => termSimilarity(terms, other) >= QUEUE_GROUPING));
        const target = home ?? groups[groups.push({ key: item.key, ...(item.kb ? { kb: item.kb } : {}), items: [], passages: [], latest: item.at, ids: new Map(), terms: [] }) - 1];
        target.items.push(item);
        target.terms.push(terms);
        if (item.kb)
            for (const id of item.passageIds)
                target.ids.set(id, item.kb);
    }
    return groups.map(({ terms: _terms, ...rest }) => rest);
}
function keyOf(...parts) {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}
function redact(text) {
    return redactPersonalData(text).text;
}
function fromUnanswered(record) {
    return {
        key: keyOf('unanswered', record.at, record.userHash, record.question),
        kind: 'unanswered', at: record.at, channel: record.channel, ...(record.kb ? { kb: record.kb } : {}),
        question: redact(record.question), reason: record.reason, passageIds: record.nearestIds, handled: false,
    };
}
function fromFeedback(record) {
    return {
        key: keyOf('downvoted', record.at, record.userHash, record.messageId),
        kind: 'downvoted', at: record.at, channel: record.channel, ...(record.kb ? { kb: record.kb } : {}),
        question: redact(record.question ?? ''),
        ...(record.comment ? { comment: redact(record.comment) } : {}),
        ...(record.answer ? { answer: redact(record.answer).slice(0, 600) } : {}),
        passageIds: record.citedIds, handled: false,
    };
}
