/**
 * Every French sentence the bot says, in one place (error texts live in the error catalogue, errors.ts).
 * Wording rules: plain French, vouvoiement, no promise the bot cannot keep, always point to the source.
 */
import { formatBytes } from './errors.ts';

export const AI_NOTICE =
  'ℹ️ Vous échangez avec **Passerelle**, un assistant fondé sur l’intelligence artificielle (règlement européen ' +
  'sur l’IA, article 50). Ses réponses s’appuient sur des textes qu’il cite : vérifiez toujours la source avant ' +
  'toute décision. Il ne rédige pas d’actes de procédure. Les échanges sont journalisés sous forme pseudonymisée ' +
  'pour le suivi de qualité. Tapez « aide » pour connaître les commandes, « formation » pour la formation à l’IA (5 minutes).';

/** First message after installation, followed by the AI notice (AI_NOTICE). */
export const WELCOME =
  'Bonjour, je suis **Passerelle**, l’assistant documentaire des agents des douanes. Posez-moi vos questions ' +
  'sur le code des douanes, les ressources humaines ou les procédures internes : je réponds en citant mes sources.';

/** Reminder appended to the welcome in team channels and group chats, where the bot only reads its mentions. */
export const MENTION_HINT = 'Dans une équipe ou une conversation de groupe, mentionnez-moi (@Passerelle) pour me poser une question.';

/** Shown once per burst of undecryptable messages from one sender's device (keys missing), instead of silence. */
export const UNDECRYPTABLE_MESSAGE =
  '🔒 Je n’ai pas pu déchiffrer votre message : la clé de chiffrement de votre appareil ne m’est pas parvenue. ' +
  'Je vous répondrai dès qu’elle arrivera. Si je ne réponds pas d’ici quelques minutes : ' +
  'vérifiez votre session dans Tchap (Paramètres › Sécurité, « Vérifier cette session » depuis un autre appareil ' +
  'ou avec votre clé de récupération), puis renvoyez votre message.';

/** The list of commands; `terminal` adds how to leave the terminal chat. */
export function helpText(bases: Array<{ name: string; prefix?: string }>, options: { terminal?: boolean } = {}): string {
  const lines = [
    '**Passerelle — aide**',
    'Posez votre question en français : je cherche dans la base la plus adaptée et je cite mes sources.',
    '',
    'Choisir une base :',
    ...bases.map((base) => `- ${base.prefix ? `\`${base.prefix}: votre question\` (ou \`/${base.prefix} …\`)` : ''} — ${base.name}`),
    '',
    'Commandes :',
    '- `sources` — les sources de ma dernière réponse',
    '- `oublie` — j’oublie notre conversation (les questions suivantes repartent de zéro)',
    '- `avis <votre remarque>` — transmettre une remarque aux responsables des bases',
    '- `résume` + pièce jointe, `résume la conversation`, `résume le titre XII du code des douanes`, `résume les articles 60 à 67 bis` (ajoutez « détaillé » pour un résumé long)',
    '- `tâches` — vos tâches en cours ; `annule <id>` — annuler une tâche',
    '- `paramètres` — les réglages de ce salon (bases, mentions, annonces, avis sur l’IA), modifiables par ses modérateurs',
    '- `explique` — l’article cité par ma dernière réponse, pas à pas (`explique 2` : sa 2ᵉ source ; `explique l’article 414`)',
    '- `quiz` — s’entraîner sur les textes (`quiz titre XII`, `quiz article 414`, `quiz congés`) ; `quiz bilan` — vos résultats, visibles de vous seul',
    '- `formation` — la formation à l’IA (5 minutes) et sa vérification',
    '- `aide` — ce message',
    ...(options.terminal ? ['- `quitter` — fermer la discussion (ou Ctrl-D) ; ↑ et ↓ rappellent vos messages précédents'] : []),
  ];
  return lines.join('\n');
}

/** The answer to a greeting alone (« bonjour », « salut »): what the bot can do, instead of a search for « bonjour ». */
export const GREETING =
  'Bonjour ! Je suis **Passerelle**, l’assistant documentaire des agents des douanes. Posez-moi une question sur ' +
  'le code des douanes, les ressources humaines ou les procédures internes : je réponds en citant mes sources. ' +
  'Je peux aussi résumer un document (envoyez-le, puis « résume ce document ») ou cette conversation (« résume la conversation »). ' +
  'Tapez « aide » pour toutes les commandes.';

export const SHORT_HELP = 'Commande inconnue. Tapez « aide » pour la liste des commandes, ou posez directement votre question.';

export const CHECK_SOURCE_EXTRACTIVE =
  '⚠️ Extraits cités tels quels, sans interprétation : vérifiez le texte source et son applicabilité à votre situation.';

/** Heading of the decisive sentence quoted before a generated answer (answers that teach). */
export const DECISIVE_TEXT = '📌 **Texte décisif**';

export const CHECK_SOURCE_GENERATED = '⚠️ Réponse générée par IA à partir des sources citées : vérifiez-les avant toute décision.';

export const REFERENCES_REMOVED =
  '⚠️ Des références que je n’ai pas pu vérifier dans les textes trouvés ont été retirées de cette réponse.';

export const UNSUPPORTED_REMOVED =
  '⚠️ Des affirmations que les textes cités ne confirment pas, ou des références que je n’ai pas pu vérifier, ont été retirées de cette réponse.';

export const INSTRUCTION_LIKE_WITHHELD =
  '⚠️ Un document trouvé contient une formulation qui ressemble à une consigne adressée à un assistant IA (tentative de manipulation possible) : il n’a pas servi à rédiger cette réponse. Signalez-le aux responsables de la base.';

export const SUMMARY_INSTRUCTION_LIKE_WITHHELD =
  '⚠️ Le texte résumé contient des formulations qui ressemblent à des consignes adressées à un assistant IA (tentative de manipulation possible) : elles ont été retirées avant le résumé (« [formulation retirée] »). Consultez le document source et signalez-le aux responsables de la base.';

export const INFRACTION_RESERVATION =
  '⚖️ **Aide à la qualification uniquement** : la qualification des faits et les suites à donner relèvent de ' +
  'l’appréciation de l’agent et de sa hiérarchie (et, le cas échéant, de l’autorité judiciaire). Cette réponse ' +
  'n’est ni un avis juridique ni une décision.';

/** Opens every answer that cites a fictional example document (examples/). */
export const EXAMPLE_SOURCES_WARNING =
  '⚠️ **EXEMPLE — document fictif** : cette réponse s’appuie sur un document d’exemple rédigé pour tester Passerelle, ' +
  'pas sur un texte officiel. Ne l’utilisez pas comme référence.';

/** At the start of the terminal chat, for a base holding only the example documents. */
export function exampleBaseNotice(baseName: string): string {
  return `La base « ${baseName} » ne contient que des documents d’exemple fictifs (dossier examples/) : ils sont signalés comme tels dans chaque réponse et ne doivent pas servir de référence.`;
}

/** A question routed to a base where nothing has been ingested yet. */
export function emptyBase(baseName: string, kb: string): string {
  return `La base « ${baseName} » est vide : aucun texte n’y a encore été versé, je ne peux donc pas répondre à cette question. ${howToFill(kb)}`;
}

/** At the start of the terminal chat, for a base where nothing has been ingested. */
export function emptyBaseAtStart(baseName: string, kb: string): string {
  return `La base « ${baseName} » est vide : les questions qui la concernent resteront sans réponse. ${howToFill(kb)}`;
}

function howToFill(kb: string): string {
  return `Pour l’alimenter : « npx passerelle ingest --kb ${kb} <fichiers ou dossier> » (PDF, DOCX, HTML, Markdown, texte, JSONL), ou placez le corpus partagé dans ../shared/corpus puis relancez « npm start ».`;
}

/** A figure asked for, that the cited texts do not give (they state the principle; a decree holds the figure). */
export function figureNotInBase(where: string | undefined): string {
  return (
    'ℹ️ Les textes cités posent le principe mais ne donnent pas le chiffre demandé : il est fixé par un texte d’application ' +
    `(décret ou arrêté) qui n’est pas dans la base${where ? ` — ici, ${where}` : ''}. Consultez-le sur Légifrance ou demandez à votre service RH ou à votre hiérarchie.`
  );
}

/** A question plainly outside the bases (cooking, weather, sport…): said plainly, nothing sent to the curators. */
export function outOfScope(baseNames: string[]): string {
  const names = baseNames.map((name) => `« ${name} »`);
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} et ${names.at(-1)}` : (names[0] ?? '');
  return (
    `Cette question ne relève pas de Passerelle : je réponds aux questions des agents des douanes sur ${names.length > 1 ? 'les bases' : 'la base'} ${listed}, en citant les textes. ` +
    'Si votre question porte bien sur l’un de ces sujets, reformulez-la avec ses termes (numéro d’article, intitulé de procédure).'
  );
}

export function abstention(baseName: string, hasNearest: boolean): string {
  return [
    `Je n’ai pas trouvé de réponse fiable à cette question dans la base « ${baseName} ». Plutôt que de risquer une réponse inexacte, je préfère vous le dire.`,
    hasNearest ? 'Les passages les plus proches sont indiqués ci-dessous, à titre indicatif seulement.' : '',
    'Vous pouvez reformuler avec des termes plus précis (numéro d’article, intitulé de procédure), préciser la base (`code:`, `rh:`, `procédures:`) ou vous adresser à votre service RH, à votre cellule juridique ou à votre hiérarchie.',
    'Votre question a été transmise aux responsables des bases pour qu’ils la complètent.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Below a standard answer: who wrote it and when it was published. */
export function standardAnswerNote(version: number, publishedAt: string): string {
  const date = new Date(publishedAt).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
  return `✅ Réponse type rédigée et relue par les responsables de la base (version ${version}, publiée le ${date}). Vérifiez les sources citées.`;
}

export function proceduralRefusal(act: string): string {
  return (
    `Je ne rédige pas d’actes de procédure (ici : ${act}). Leur rédaction engage l’agent qui les signe et relève de ` +
    'sa seule responsabilité ; une erreur de forme peut entraîner la nullité de la procédure. Je peux en revanche vous ' +
    'indiquer les textes qui encadrent cet acte :'
  );
}

export function routedToTwoBases(first: string, second: string): string {
  return `Votre question pouvant relever de deux bases, j’ai cherché dans « ${first} » et « ${second} ».`;
}

export function unknownPrefix(prefix: string): string {
  return `(Préfixe « ${prefix} » inconnu : j’ai choisi la base automatiquement. Préfixes possibles : code, rh, procédures.)`;
}

export const ANSWER_IN_FRENCH_NOTE = '(Je réponds en français ; demandez « answer in English » si vous préférez l’anglais.)';

export const SETTINGS_MODERATORS_ONLY =
  'Seuls les modérateurs de ce salon peuvent modifier ses paramètres (sur Tchap : niveau de pouvoir 50 ou plus ; ' +
  'sur Teams : propriétaires de l’équipe ou de la conversation). Tapez « paramètres » pour les consulter.';
/** A room's own AI notice, after the sentence art. 50 requires whatever the room's moderators wrote. */
export function roomAiNotice(text: string): string {
  return `ℹ️ Vous échangez avec **Passerelle**, un assistant fondé sur l’intelligence artificielle (règlement européen sur l’IA, article 50).\n\n${text}`;
}
export const SETTINGS_SAVED = '✅ C’est noté.';
export const SETTINGS_MENTION_DIRECT = 'Dans une conversation directe, je réponds toujours à chaque message : ce réglage ne concerne que les salons et les canaux.';
export function settingsUsage(): string {
  return [
    'Réglages possibles (modérateurs du salon) :',
    '- `paramètres bases rh,code` — les bases où je cherche ici (`paramètres bases toutes` pour revenir à toutes)',
    '- `paramètres mention oui` — je ne réponds que si l’on me mentionne ; `non` — je réponds à chaque message',
    '- `paramètres annonces oui|non` — les annonces de l’administration sont publiées ici, ou non',
    '- `paramètres avis "<texte>"` — le texte de l’avis sur l’IA montré aux nouveaux venus (`paramètres avis défaut` pour le texte standard)',
  ].join('\n');
}
export function settingsUnknownBase(word: string, known: string[]): string {
  return `Base inconnue : « ${word} ». Bases possibles : ${known.join(', ')}.`;
}
export function settingsYesNo(name: string): string {
  return `Répondez par « oui » ou « non », par exemple : \`paramètres ${name} oui\`.`;
}
export function settingsNoticeTooLong(length: number, max: number): string {
  return `Ce texte est trop long (${length} caractères, maximum ${max}).`;
}
export function settingsSummary(settings: { isDirect: boolean; bases?: string[]; mentionOnly: boolean; announcements: boolean; aiNotice?: string }): string {
  return [
    settings.isDirect ? '**Paramètres de cette conversation**' : '**Paramètres de ce salon**',
    `- Bases : ${settings.bases ? settings.bases.join(', ') : 'toutes celles auxquelles chacun a accès'}`,
    ...(settings.isDirect ? [] : [`- Réponses : ${settings.mentionOnly ? 'seulement quand on me mentionne ou me répond' : 'à chaque message'}`]),
    `- Annonces : ${settings.announcements ? 'reçues' : 'refusées'}`,
    `- Avis sur l’IA : ${settings.aiNotice ? `« ${settings.aiNotice} »` : 'texte standard'}`,
    '',
    settingsUsage(),
  ].join('\n');
}
export const NO_BASE_IN_ROOM = 'Aucune des bases choisies pour ce salon ne vous est ouverte. Posez votre question en conversation directe, ou demandez aux modérateurs du salon de changer ses paramètres.';
export function baseNotInRoom(baseName: string, roomBases: string[]): string {
  return `Dans ce salon, je ne cherche que dans : ${roomBases.join(', ')} (paramètres du salon). La base « ${baseName} » n’en fait pas partie : posez votre question en conversation directe.`;
}

/** Told once per burst: the question beyond the per-minute limit is kept and answered at `due`. */
export function questionQueued(perMinute: number, due: Date, now: Date): string {
  const seconds = Math.max(1, Math.round((due.getTime() - now.getTime()) / 1_000));
  const delay = seconds < 90 ? `dans ${seconds} seconde${seconds > 1 ? 's' : ''} environ` : `dans ${Math.round(seconds / 60)} minutes environ`;
  const time = due.toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).replace(':', ' h ');
  return (
    `⏳ Vous avez posé beaucoup de questions en peu de temps (au plus ${perMinute} par minute). Votre question est ` +
    `en file d’attente : je vous répondrai vers ${time} (${delay}), puis aux suivantes dans l’ordre, sans que vous ` +
    'ayez à les renvoyer. Les commandes (aide, sources, tâches…) restent disponibles tout de suite.'
  );
}
/** The user already has `held` questions waiting: this one is not kept. */
export function questionQueueFull(held: number): string {
  return `Vous avez déjà ${held} questions en attente de réponse : je ne garde pas celle-ci. Attendez mes réponses, puis posez-la de nouveau.`;
}
export const ACCESS_DENIED = 'Vous n’êtes pas autorisé à utiliser Passerelle. Si vous pensez que c’est une erreur, contactez votre administrateur.';
export function baseForbidden(baseName: string): string {
  return `Vous n’avez pas accès à la base « ${baseName} ». Contactez votre administrateur si vous en avez besoin.`;
}
export const NO_BASE_ALLOWED = 'Aucune base de connaissances ne vous est ouverte. Contactez votre administrateur.';
/** A file sent alone (no caption: Tchap web sends files so): what the bot can do with it. */
export function fileReceived(name: string, canFollow: boolean): string {
  const how = canFollow
    ? 'répondez à ce fichier par « résume ce document » (ou écrivez-le juste après), en ajoutant « détaillé » pour un résumé plus long'
    : 'envoyez-le de nouveau avec la légende « résume »';
  return `J’ai bien reçu « ${name} ». Je peux en faire un résumé : ${how}. Pour une question sur la réglementation, écrivez-la simplement.`;
}

export const EMPTY_MESSAGE = 'Votre message est vide. Posez une question ou tapez « aide ».';
export function messageTooLong(length: number, max: number): string {
  return `Votre message est trop long (${length} caractères, maximum ${max}). Résumez votre question en quelques phrases ; pour un long document, envoyez-le en pièce jointe avec la commande « résume ».`;
}
export const UNREADABLE_MESSAGE = 'Je n’ai pas pu lire votre message (caractères illisibles). Réécrivez-le en texte simple.';
export const CONVERSATION_FORGOTTEN = 'C’est noté : j’ai oublié notre conversation. Votre prochaine question repartira de zéro.';
export const FEEDBACK_THANKS = 'Merci, votre avis a été transmis aux responsables des bases.';
export const FEEDBACK_EMPTY = 'Écrivez votre remarque après « avis », par exemple : « avis la réponse sur les congés bonifiés est incomplète ».';
export const NO_PREVIOUS_ANSWER = 'Je n’ai pas encore répondu à une question dans cette conversation.';
export const NO_SOURCES_IN_LAST_ANSWER = 'Ma dernière réponse ne citait aucune source : je n’avais pas trouvé de réponse fiable dans les textes.';
export const SOURCES_HEADER = 'Sources de ma dernière réponse :';
export const WORKING = 'Je cherche dans les textes…';
/** Shown when the model has kept the agent waiting (2 s by default) with nothing on screen yet. */
export const DRAFTING = 'Je rédige la réponse…';
export const JOBS_DISABLED = 'Les tâches longues (résumés) ne sont pas activées sur ce déploiement.';
export const ANNOUNCEMENTS_DISABLED = 'Les annonces ne sont pas activées sur ce déploiement.';
export const LEARNING_DISABLED = 'Le quiz, la formation et « explique » ne sont pas activés sur ce déploiement.';

// Long jobs (résumés): acknowledgements, progress, results.
export const NO_JOBS = 'Vous n’avez aucune tâche en cours.';
export const CANCEL_WHICH = 'Indiquez l’identifiant de la tâche : « annule <id> » (voir « tâches »).';
export const SUMMARY_AI_GENERATED = '⚠️ Résumé généré par IA : vérifiez les passages importants dans le document.';
export const SUMMARY_REFERENCES_REMOVED = '_Une ou plusieurs références d’articles absentes du texte résumé ont été retirées ([référence retirée])._';
const CLASSIFICATION_NAMES: Record<string, string> = { public: 'Public', interne: 'Interne', 'diffusion-restreinte': 'Diffusion restreinte', 'interdit-ia': 'Interdit IA' };
export function summaryClassification(label: string): string {
  return `🔒 **${CLASSIFICATION_NAMES[label] ?? label}** : ce résumé reprend des éléments de ce niveau de classification ; ne le transmettez qu’aux personnes habilitées.`;
}
export const JOB_STATE_LABELS: Record<string, string> = { waiting: 'en attente', delayed: 'nouvel essai prévu', active: 'en cours', completed: 'terminée', failed: 'échouée', cancelled: 'annulée' };
export function jobList(lines: readonly string[]): string {
  return `Vos tâches en cours :\n${lines.join('\n')}\n\n« annule <id> » pour en annuler une.`;
}
export function jobCancelled(id: string): string {
  return `Tâche ${id} annulée.`;
}
export function jobReceived(what: string): string {
  return `🕑 Demande reçue : ${what}. Mise en file…`;
}
export function jobQueued(id: string, what: string, ahead: number): string {
  return `🕑 Tâche ${id} enregistrée : ${what}. ${ahead > 0 ? `${ahead} tâche(s) avant elle. ` : ''}Je publierai le résultat ici dès qu’il sera prêt (en général quelques minutes). « annule ${id} » pour l’annuler.`;
}
export function jobAlreadyDone(id: string): string {
  return `Cette demande a déjà été traitée (tâche ${id}) : le résultat a été publié plus haut dans cette conversation.`;
}
export function jobAlreadyRunning(id: string): string {
  return `Cette demande est déjà en cours (tâche ${id}) : le résultat sera publié ici.`;
}
export function jobProgress(id: string, percent: number): string {
  return `⏳ Tâche ${id} : ${percent} %`;
}
export function jobDone(id: string): string {
  return `✅ Tâche ${id} terminée.`;
}
export function jobFailedShort(id: string): string {
  return `❌ Tâche ${id} : échec.`;
}
export function jobFailed(id: string, reason: string): string {
  return `❌ Tâche ${id} : ${reason}`;
}
export const NO_DOWNLOADS = 'ce canal ne permet pas de télécharger les pièces jointes';
export function whatDocument(name: string, bytes: number): string {
  return `du document « ${name} » (${formatBytes(bytes)})`;
}
export function whatConversation(count: number): string {
  return `des ${count} derniers messages de cette conversation`;
}
export function whatArticles(from: string, to: string, code: string): string {
  return `des articles ${from} à ${to} du ${code}`;
}
export function whatHeading(label: string, code: string): string {
  return `de « ${label} » du ${code}`;
}
export function summaryOf(length: 'court' | 'detaille', what: string): string {
  return `résumé ${length === 'court' ? 'court' : 'détaillé'} ${what}`;
}
export function describeDocumentJob(name: string): string {
  return `résumé de « ${name} »`;
}
export const CONVERSATION_JOB = 'résumé de conversation';
export function describeArticlesJob(from: string, to: string): string {
  return `résumé des articles ${from} à ${to}`;
}

/** The versions of the cited articles ("Code des douanes, art. 414 : version en vigueur du … au …"), with their Légifrance link. */
export function citedVersions(versions: Array<{ title: string; label: string; url?: string }>): string {
  const lines = versions.map((version) => `- ${version.title} : ${version.label}${version.url ? ` — ${version.url}` : ''}`);
  return [versions.length > 1 ? 'Versions citées :' : 'Version citée :', ...lines].join('\n');
}

/** What changed in an article between two versions: the versions compared, then each change in context. */
export function articleChanges(article: string, from: string, to: string, changes: string[], total: number): string {
  const more = total > changes.length ? [`… et ${total - changes.length} autre(s) modification(s) : consultez les deux versions citées.`] : [];
  return [`${article} — ce qui a changé entre la ${from} [1] et la ${to} [2] :`, ...changes.map((change) => `- ${change}`), ...more].join('\n');
}

export function articleUnchanged(article: string, from: string, to: string): string {
  return `${article} : le texte est identique entre la ${from} [1] et la ${to} [2].`;
}

export function articleSingleVersion(article: string, version: string): string {
  return `${article} : la base ne contient qu’une version de cet article (${version}) [1] ; je ne peux pas dire ce qui a changé.`;
}

export function articleUnchangedSince(article: string, since: string, version: string): string {
  return `${article} n’a pas changé depuis le ${since} : la ${version} [1] est la même à ces deux dates.`;
}

export const CONCORDANCE_SOURCE = 'Source : table de concordance des numérotations chargée par les administrateurs. Vérifiez le texte de l’article sur Légifrance.';
