/**
 * The French sentences of learning mode: quiz, AI-literacy training, `explique`, results and the
 * administrators' aggregate report (errors live in the error catalogue, bots/errors.ts).
 */
export const DIRECT_ONLY = 'Le quiz et la formation se font en conversation privée avec moi : vos réponses et vos résultats ne regardent que vous. Écrivez-moi directement.';
export function frenchDate(iso) {
    const [year, month, day] = iso.slice(0, 10).split('-');
    return `${day}/${month}/${year}`;
}
function plural(count, singular, pluralForm = `${singular}s`) {
    return `${count} ${count > 1 ? pluralForm : singular}`;
}
// Quiz --------------------------------------------------------------------------------------------------------
export function quizIntro(count, scope, due) {
    return (`🎓 **Quiz — ${plural(count, 'question')}**${scope ? ` sur « ${scope} »` : ''}${due > 0 ? `, dont ${due} à revoir` : ''}. ` +
        'Répondez par le numéro ou en toutes lettres ; « passe » pour voir la réponse, « stop » pour arrêter.');
}
export function quizQuestion(input) {
    return [
        `**Question ${input.position}/${input.total}** — ${input.title}${input.context ? ` (${input.context})` : ''}`,
        ...(input.situation ? [`Un agent demande : « ${input.situation} »`] : []),
        'Complétez le texte :',
        `> ${input.blanked}`,
    ].join('\n');
}
export const RIGHT = '✅ **Exact.**';
export function wrong(answer, given) {
    return given ? `❌ « ${given} » ne correspond pas : la réponse était **${answer}**.` : `❌ **Non** : la réponse était **${answer}**.`;
}
export function skipped(answer) {
    return `La réponse était **${answer}**.`;
}
export function quizExplanation(verdict, highlighted, citationIndex, nextDue, missed) {
    return [
        verdict,
        `Le texte [${citationIndex}] :\n> ${highlighted}`,
        missed ? `Cette question vous sera reposée à partir du ${frenchDate(nextDue)}.` : `Prochaine révision à partir du ${frenchDate(nextDue)}.`,
    ].join('\n\n');
}
export const ITEM_CHANGED = '(Le texte de cette question a changé depuis qu’elle a été posée : je la retire et passe à la suivante.)';
export function quizEnd(score, total, missed, nextDue) {
    return [
        `🏁 **Quiz terminé : ${score}/${total}.**`,
        missed > 0 && nextDue ? `${plural(missed, 'question')} à revoir : je vous ${missed > 1 ? 'les' : 'la'} reposerai à partir du ${frenchDate(nextDue)}.` : '',
        'Tapez « quiz » pour continuer, « quiz bilan » pour vos résultats.',
    ]
        .filter(Boolean)
        .join(' ');
}
export function quizStopped(score, answered) {
    return `Quiz arrêté${answered > 0 ? ` : ${score}/${answered}` : ''}. Tapez « quiz » pour reprendre quand vous voulez.`;
}
export const NO_PENDING_QUESTION = 'Aucune question de quiz en cours. Tapez « quiz » pour en commencer un.';
export function learnerResults(input) {
    const lines = ['📊 **Vos résultats** (visibles de vous seul) :'];
    if (input.answers === 0)
        lines.push('- Quiz : aucune réponse pour l’instant (tapez « quiz »).');
    else {
        lines.push(`- Quiz : ${plural(input.answers, 'réponse')}, ${Math.round((100 * input.correct) / input.answers)} % justes, ${plural(input.items, 'question')} ${input.items > 1 ? 'vues' : 'vue'}.`);
        lines.push(input.due > 0 ? `- À revoir maintenant : ${input.due} (tapez « quiz »).` : `- Rien à revoir pour l’instant${input.nextDueAt ? ` ; prochaine révision le ${frenchDate(input.nextDueAt)}` : ''}.`);
    }
    lines.push(input.trainedAt
        ? `- Formation IA : validée le ${frenchDate(input.trainedAt)}${input.bestScore !== undefined ? ` (meilleur score ${input.bestScore}/${input.total})` : ''}.`
        : '- Formation IA : pas encore validée (tapez « formation »).');
    lines.push('« quiz efface » supprime vos résultats de quiz et de formation.');
    return lines.join('\n');
}
export function erased(count) {
    return count > 0 ? `C’est fait : vos résultats de quiz et de formation ont été effacés (${plural(count, 'enregistrement')}).` : 'Je n’avais aucun résultat de quiz ou de formation à votre nom.';
}
// AI-literacy training ------------------------------------------------------------------------------------------
export function trainingAlready(date, score, total) {
    return `Vous avez validé cette formation le ${frenchDate(date)} (${score}/${total}). La voici de nouveau ; la vérification peut être refaite.`;
}
export function checkQuestion(position, total, question) {
    return `${position === 1 ? `**Vérification — ${total} questions.** Répondez par le numéro de votre choix.\n\n` : ''}**Question ${position}/${total}** — ${question}`;
}
export function checkFeedback(right, answer, explanation) {
    return `${right ? RIGHT : `❌ La bonne réponse : **${answer}**.`} ${explanation}`;
}
export const CHECK_UNREAD = 'Répondez par le numéro de votre choix (1 à 4), ou « stop » pour arrêter la vérification.';
export function trainingPassed(score, total) {
    return (`🎉 **Formation validée : ${score}/${total}.** Merci ! Elle est enregistrée sous pseudonyme pour le suivi de la formation des agents à l’IA ` +
        '(règlement européen sur l’IA, article 4) ; l’administration n’en voit que des chiffres agrégés par service.');
}
export function trainingFailed(score, total, needed) {
    return `**${score}/${total}** : il faut ${needed} bonnes réponses pour valider la formation. Relisez les points manqués, puis tapez « formation » pour recommencer.`;
}
export function trainingStopped() {
    return 'Vérification arrêtée. Tapez « formation » pour la reprendre depuis le début.';
}
// explique ------------------------------------------------------------------------------------------------------
export function walkthroughTitle(title, index, context) {
    return `🔎 **Explication pas à pas — ${title}** [${index}]${context ? `\n_${context}_` : ''}`;
}
export const STEP_SAYS = '**1. Ce que dit l’article**';
export function moreSentences(count, index) {
    return `(${plural(count, 'autre phrase')} : voir le texte complet [${index}].)`;
}
export const STEP_DEFINITIONS = '**2. Les notions définies par d’autres articles**';
export const NO_DEFINITIONS = 'Aucune notion de cet article n’est définie par un autre article de la base.';
export const STEP_REFERENCES = '**3. Les articles auxquels il renvoie**';
export const NO_REFERENCES = 'Il ne renvoie à aucun autre article.';
export function missingReferences(numbers) {
    return `- ${numbers.length > 1 ? 'Articles' : 'Article'} ${numbers.join(', ')} : absent${numbers.length > 1 ? 's' : ''} des bases (autre code, ou article abrogé).`;
}
export const STEP_VERSIONS = '**4. Ses versions**';
export function inForceSince(date, index, until) {
    if (!date)
        return `- Date d’entrée en vigueur de ce texte non renseignée dans la base [${index}].`;
    return `- Texte en vigueur depuis le ${frenchDate(date)}${until ? ` et jusqu’au ${frenchDate(until)}` : ''} [${index}].`;
}
export function previousVersion(from, to, index) {
    const span = from && to ? `du ${frenchDate(from)} au ${frenchDate(to)}` : to ? `jusqu’au ${frenchDate(to)}` : from ? `à partir du ${frenchDate(from)}` : 'aux dates non renseignées';
    return `- Autre version, ${span} [${index}] :`;
}
export const ADDED = 'ajouté :';
export const REMOVED = 'retiré :';
export const SAME_SENTENCES = 'mêmes phrases, rédaction identique.';
export const ONE_VERSION = '- La base ne contient pas d’autre version de cet article.';
export const WALKTHROUGH_FOOTER = '⚠️ Textes cités tels quels, rapprochés automatiquement : vérifiez-les et leur applicabilité à votre situation.';
// Administrators' report ------------------------------------------------------------------------------------------
export function reportTitle(since) {
    return `📊 **Formation à l’IA et quiz — chiffres agrégés et anonymes** (agents actifs depuis le ${frenchDate(since)})`;
}
export const COVERAGE_HEADING = 'Formation à l’IA (règlement européen sur l’IA, article 4) — agents formés par service :';
export function coverageLine(service, trained, agents) {
    return `- ${service} : ${trained} sur ${agents} (${Math.round((100 * trained) / agents)} %)`;
}
export function groupedServices(count, minimum) {
    return `Autres services (${plural(count, 'service')} de moins de ${minimum} agents, regroupés)`;
}
export function hiddenGroups(what, minimum) {
    return `- ${what} : non affiché (moins de ${minimum} agents).`;
}
export const TOTAL = 'Total';
export const QUIZ_HEADING = 'Quiz — activité par base :';
export function quizLine(base, agents, answers, correct) {
    return `- ${base} : ${plural(agents, 'agent')}, ${plural(answers, 'réponse')}, ${Math.round((100 * correct) / answers)} % justes`;
}
export const NO_ACTIVITY = '- Aucune activité sur la période.';
export function anonymityNote(minimum) {
    return `Les groupes de moins de ${minimum} agents ne sont jamais affichés séparément ; aucun résultat individuel n’est accessible.`;
}
export const REPORT_ADMINS_ONLY = 'Le bilan de la formation est réservé aux administrateurs. « quiz bilan » affiche vos propres résultats.';
