import { learningReport, renderReport } from "../../bots/learning/learning-report.js";
import { createLearningStore } from "../../app/learning.js";
import { QuizBank } from "../../knowledge/learning/quiz-bank.js";
import { blankedSentence } from "../../knowledge/learning/quiz-item.js";
import { parseCommandArgs, positiveInteger, UsageError } from "./command.js";
/**
 * `passerelle learning` — learning mode, for curators and administrators:
 * - `--quiz [--kb <id>] [--sample N] [--json]`: the quiz items written for each base (items, documents
 *   covered, share of items whose expected answer is in the cited text and that pass every check, problems,
 *   writing time), with N sample items to read;
 * - `--report [--days N] [--json]`: AI-literacy coverage per service and quiz activity per base, aggregated
 *   (groups smaller than `learning.minGroupSize` hidden) — never an agent's own results.
 */
export const learningCommand = {
    async run(args, context) {
        const { values, positionals } = parseCommandArgs(args, {
            quiz: { type: 'boolean' },
            report: { type: 'boolean' },
            kb: { type: 'string' },
            sample: { type: 'string' },
            days: { type: 'string' },
            json: { type: 'boolean' },
        });
        if (positionals.length > 0)
            throw new UsageError(`argument inattendu « ${positionals[0]} »`);
        if (Boolean(values.quiz) === Boolean(values.report))
            throw new UsageError('précisez --quiz ou --report');
        if (values.report) {
            const days = positiveInteger(values.days, context.config.learning.reportDays, 'days');
            const store = await createLearningStore(context.config);
            try {
                const report = await learningReport(store, { since: new Date(Date.now() - days * 86_400_000).toISOString(), minGroupSize: context.config.learning.minGroupSize });
                if (values.json)
                    context.out(`${JSON.stringify(report, null, 2)}\n`);
                else {
                    const knowledge = context.config.knowledgeBases;
                    context.out(`${renderReport(report, (kb) => knowledge.find((base) => base.id === kb)?.name ?? kb)}\n`);
                }
            }
            finally {
                await store.close();
            }
            return 0;
        }
        const sample = values.sample === undefined ? 0 : positiveInteger(values.sample, 0, 'sample');
        const knowledge = await context.knowledge();
        const bases = values.kb ? [knowledge.catalog.get(values.kb).id] : knowledge.catalog.ids;
        const bank = new QuizBank(knowledge.store);
        const reports = [];
        for (const kb of bases) {
            const base = await bank.base(kb);
            const step = Math.max(1, Math.floor(base.items.length / Math.max(1, sample)));
            const samples = sample > 0 ? base.items.filter((_, index) => index % step === 0).slice(0, sample) : [];
            reports.push({
                ...base.report,
                ...(sample > 0
                    ? { samples: samples.map((item) => ({ id: item.id, document: item.chunk.title, situation: item.situation ?? null, question: blankedSentence(item), choices: item.choices, answer: item.answer })) }
                    : {}),
            });
        }
        if (values.json) {
            context.out(`${JSON.stringify(reports, null, 2)}\n`);
            return 0;
        }
        for (const report of reports) {
            context.out(`${formatReport(report)}\n`);
            for (const item of (report.samples ?? [])) {
                context.out(`\n  ${item.document}${item.situation ? ` — « ${item.situation} »` : ''}\n  ${item.question}\n  ${item.choices.map((choice) => (choice === item.answer ? `[${choice}]` : choice)).join(' | ')}\n`);
            }
        }
        return 0;
    },
};
function formatReport(report) {
    const share = report.generated > 0 ? ((100 * report.passed) / report.generated).toFixed(1) : '—';
    const problems = Object.entries(report.problems).filter(([, count]) => count > 0).map(([problem, count]) => `${problem} ${count}`).join(', ');
    return [
        `Base ${report.kb} : ${report.passed} questions de quiz (${report.byKind.quantity} quantités, ${report.byKind.term} termes ; ${report.withSituation} avec une question d’agent), ` +
            `${report.documentsWithItems}/${report.documents} documents couverts.`,
        `  Vérification automatique : ${report.passed}/${report.generated} questions (${share} %) ont leur réponse attendue dans le texte cité et passent tous les contrôles${problems ? ` ; écartées : ${problems}` : ''}.`,
        `  Temps d’écriture et de vérification : ${report.generationMs} ms.`,
    ].join('\n');
}
