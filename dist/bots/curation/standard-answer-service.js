import { randomBytes } from 'node:crypto';
import { PasserelleError } from "../errors.js";
const MAX_TEXT = 8_000;
const MAX_QUESTIONS = 20;
const MAX_SOURCES = 10;
export class StandardAnswerService {
    deps;
    now;
    constructor(deps) {
        this.deps = deps;
        this.now = deps.now ?? (() => new Date());
    }
    async propose(draft, author) {
        const kb = this.deps.catalog.get(draft.kb).id;
        const text = draft.text.trim();
        const questions = [...new Set(draft.questions.map((question) => question.replace(/\s+/g, ' ').trim()).filter(Boolean))];
        const sourceIds = [...new Set(draft.sourceIds.map((id) => id.trim()).filter(Boolean))];
        if (!text)
            throw new PasserelleError('FORM_INVALID', { problem: 'le texte de la réponse est vide' });
        if (text.length > MAX_TEXT)
            throw new PasserelleError('FORM_INVALID', { problem: `le texte dépasse ${MAX_TEXT} caractères` });
        if (questions.length === 0)
            throw new PasserelleError('FORM_INVALID', { problem: 'indiquez au moins une formulation de la question' });
        if (questions.length > MAX_QUESTIONS)
            throw new PasserelleError('FORM_INVALID', { problem: `${MAX_QUESTIONS} formulations au plus` });
        if (sourceIds.length === 0)
            throw new PasserelleError('FORM_INVALID', { problem: 'choisissez au moins une source : une réponse type cite ses sources' });
        if (sourceIds.length > MAX_SOURCES)
            throw new PasserelleError('FORM_INVALID', { problem: `${MAX_SOURCES} sources au plus` });
        const found = new Set((await this.deps.chunks.getChunks(kb, sourceIds)).map((chunk) => chunk.id));
        const missing = sourceIds.find((id) => !found.has(id));
        if (missing)
            throw new PasserelleError('SOURCE_NOT_FOUND', { id: missing, kb });
        if (draft.answerId)
            await this.latest(draft.answerId);
        return this.deps.store.proposeVersion({
            answerId: draft.answerId ?? `RT-${randomBytes(4).toString('hex').toUpperCase()}`,
            kb, questions, text, sourceIds, author, createdAt: this.now().toISOString(),
        });
    }
    /** A second curator's decision. The author of a version cannot publish it. */
    async review(answerId, version, decision, reviewer, note) {
        const target = (await this.deps.store.answerVersions(answerId)).find((candidate) => candidate.version === version);
        if (!target)
            throw new PasserelleError('STANDARD_ANSWER_NOT_FOUND', { id: answerId, version });
        if (target.status !== 'proposed')
            throw new PasserelleError('STANDARD_ANSWER_NOT_PROPOSED', { id: answerId, version, status: STATUS_LABELS[target.status] });
        if (decision === 'published' && sameActor(target.author, reviewer))
            throw new PasserelleError('STANDARD_ANSWER_SELF_REVIEW');
        const trimmed = note?.trim();
        if (!(await this.deps.store.reviewVersion(answerId, version, decision, reviewer, this.now().toISOString(), trimmed || undefined))) {
            const current = (await this.deps.store.answerVersions(answerId)).find((candidate) => candidate.version === version);
            throw new PasserelleError('STANDARD_ANSWER_NOT_PROPOSED', { id: answerId, version, status: STATUS_LABELS[current?.status ?? 'proposed'] });
        }
        if (decision === 'published')
            this.deps.changed?.();
        return (await this.deps.store.answerVersions(answerId)).find((candidate) => candidate.version === version);
    }
    async withdraw(answerId, by) {
        const latest = await this.latest(answerId);
        if (!(await this.deps.store.withdrawAnswer(answerId, by, this.now().toISOString()))) {
            throw new PasserelleError('STANDARD_ANSWER_NOT_PROPOSED', { id: answerId, version: latest.version, status: 'rien de publié' });
        }
        this.deps.changed?.();
    }
    list(limit = 200) {
        return this.deps.store.latestVersions(limit);
    }
    async versions(answerId) {
        await this.latest(answerId);
        return this.deps.store.answerVersions(answerId);
    }
    async latest(answerId) {
        const [latest] = await this.deps.store.answerVersions(answerId);
        if (!latest)
            throw new PasserelleError('STANDARD_ANSWER_NOT_FOUND', { id: answerId, version: '—' });
        return latest;
    }
}
export const STATUS_LABELS = {
    proposed: 'en attente de relecture',
    published: 'publiée',
    rejected: 'refusée',
    superseded: 'remplacée',
    withdrawn: 'retirée',
};
function sameActor(a, b) {
    return a.trim().toLowerCase() === b.trim().toLowerCase();
}
