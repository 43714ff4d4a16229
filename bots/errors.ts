/**
 * The one error catalogue. Every failure the product reports carries a stable code; the French text shown
 * to a user is chosen by that code (never built from `error.message`), and the technical cause goes to the
 * log only. `retryable` tells callers (queues, HTTP clients, the pipeline) whether trying again can help:
 * a queue never retries a job that failed with a non-retryable catalogue error. Refusals of announcement
 * requests carry the HTTP status and the short code the admin API answers with.
 *
 * This module is a leaf: any layer may import it.
 */

export interface ErrorDefinition {
  /** French text for the user. `{name}` placeholders are filled from `PasserelleError.details`. */
  readonly userMessage: string;
  readonly retryable: boolean;
  /** Admin API and console: the status and the `error` field of the answer (refusals of an admin's request). */
  readonly http?: { status: number; code: string };
  /** Details that are numbers of bytes: shown in Ko / Mo (`62914560` → « 60 Mo »). */
  readonly bytes?: readonly string[];
}

/** The audience syntax, repeated in the refusals that are about it. */
export const AUDIENCE_SYNTAX =
  'Destinataires possibles (combinables, séparés par des espaces) : « tous », « utilisateurs:<id>,<id> », « salons:<id>,<id> », « equipe:<id équipe Teams> », « groupe:<id groupe Entra> », « membres:<!salon:serveur Tchap> », « annonces:<service>,<service> » ou « annonces:tous » (salons d’annonce Tchap).';

export const ERROR_CATALOGUE = {
  CONFIG_INVALID: { userMessage: 'La configuration de Passerelle est invalide : {problems}', retryable: false },
  DATA_DIR_UNAVAILABLE: {
    userMessage: "Le dossier de données {path} est inaccessible : vérifiez qu'il existe et qu'il est accessible en écriture.",
    retryable: false,
  },
  DATA_DIR_MISSING: {
    userMessage:
      'Le dossier de données {path} n’existe pas encore : les bases n’ont pas été alimentées. Lancez « npm start » (qui verse le corpus ou les exemples puis ouvre la discussion) ou « npx passerelle ingest --all », ou indiquez le bon dossier avec PASSERELLE_DATA_DIR.',
    retryable: false,
  },
  UNKNOWN_KNOWLEDGE_BASE: {
    userMessage: 'La base « {kb} » n’existe pas. Bases disponibles : {available}.',
    retryable: false,
  },
  QUERY_EMPTY: { userMessage: 'La question est vide : écrivez quelques mots pour lancer la recherche.', retryable: false },
  QUERY_TOO_LONG: {
    userMessage: 'La question est trop longue ({length} caractères, maximum {max}). Résumez-la en quelques phrases.',
    retryable: false,
  },
  FILE_UNREADABLE: { userMessage: 'Le fichier {file} est illisible : {reason}.', retryable: false },
  MATRIX_RECOVERY_KEY_INVALID: {
    userMessage:
      'La clé de récupération Tchap lue dans {source} est mal formée ({reason}) : donnez le fichier recovery-key.json écrit au premier démarrage du bot, ou la clé elle-même (12 groupes de 4 caractères, « EsT… »).',
    retryable: false,
  },
  MATRIX_RECOVERY_KEY_WRONG: {
    userMessage:
      'La clé de récupération lue dans {source} ne déverrouille pas le stockage sécurisé du compte {userId} : ce n’est pas sa clé (ou elle a été remplacée depuis Tchap). Signature croisée et sauvegarde des clés non restaurées ; aucune donnée n’a été modifiée. Utilisez la clé copiée dans votre coffre-fort lors du premier démarrage (matrix/recovery-key.json).',
    retryable: false,
  },
  MATRIX_RECOVERY_UNAVAILABLE: {
    userMessage: 'Le compte {userId} n’a pas de stockage sécurisé sur le serveur Tchap : il n’y a rien à restaurer. Démarrez le bot (passerelle serve) : il crée signature croisée, clé de récupération et sauvegarde des clés.',
    retryable: false,
  },
  FILE_EMPTY: { userMessage: 'Le fichier {file} est vide.', retryable: false },
  FILE_TOO_LARGE: {
    userMessage: 'Le fichier {file} est trop volumineux ({size}, maximum {max}).',
    retryable: false,
    bytes: ['size', 'max'],
  },
  FILE_BINARY: { userMessage: 'Le fichier {file} ne contient pas de texte exploitable (contenu binaire).', retryable: false },
  FILE_UNSUPPORTED: {
    userMessage: 'Le format du fichier {file} n’est pas pris en charge (formats acceptés : {formats}).',
    retryable: false,
  },
  FILE_CORRUPT: { userMessage: 'Le fichier {file} est endommagé ou protégé et n’a pas pu être lu : {reason}.', retryable: false },
  FILE_NO_TEXT: {
    userMessage: 'Aucun texte n’a pu être extrait du fichier {file} (document scanné ou image seulement ?).',
    retryable: false,
  },
  FILE_PASSWORD_PROTECTED: {
    userMessage: 'Le fichier {file} est protégé par un mot de passe : retirez la protection puis réessayez.',
    retryable: false,
  },
  DOCUMENT_FORBIDDEN_FOR_AI: {
    userMessage:
      'Le document {file} est classifié « interdit IA » : il ne peut pas être versé dans une base de Passerelle.',
    retryable: false,
  },
  CLASSIFICATION_ABOVE_CEILING: {
    userMessage:
      'Le document {file} est classifié « {classification} », au-dessus du plafond « {ceiling} » de la base {kb}.',
    retryable: false,
  },
  CLASSIFICATION_UNKNOWN: {
    userMessage:
      'La classification « {label} » n’est pas reconnue : le document n’a pas été versé. Classifications reconnues : {known}.',
    retryable: false,
  },
  JSONL_LINE_INVALID: { userMessage: 'Ligne {line} de {file} ignorée : {reason}.', retryable: false },
  PATH_NOT_FOUND: { userMessage: 'Le chemin {path} est introuvable.', retryable: false },
  STORE_UNAVAILABLE: {
    userMessage: 'La base documentaire est momentanément indisponible. Réessayez dans quelques instants.',
    retryable: true,
  },
  STATE_SCHEMA_TOO_NEW: {
    userMessage:
      'Les données de Passerelle ({store}) ont été écrites par une version plus récente (schéma {stored}, cette version connaît le schéma {supported}) : installez la version la plus récente, ou restaurez la sauvegarde prise avant la mise à jour.',
    retryable: false,
  },
  STORE_FORMAT_INCOMPATIBLE: {
    userMessage:
      'La base {kb} a été indexée par une version incompatible de Passerelle (format {stored}, cette version lit le format {expected}) : relancez l’indexation avec « passerelle ingest --kb {kb} --reindex ».',
    retryable: false,
  },
  STORE_DIMENSION_MISMATCH: {
    userMessage:
      'La base {kb} a été indexée avec un autre modèle de vectorisation ({stored} dimensions, {actual} attendues) : relancez l’ingestion avec --reindex.',
    retryable: false,
  },
  EMBEDDER_UNAVAILABLE: {
    userMessage: 'Le service de vectorisation ne répond pas. La recherche continue en mode lexical.',
    retryable: true,
  },
  MODEL_UNAVAILABLE: {
    userMessage: 'Le modèle de langage ne répond pas pour le moment. Réessayez dans quelques instants.',
    retryable: true,
  },
  MODEL_TIMEOUT: {
    userMessage: 'Le modèle de langage a mis trop de temps à répondre. Réessayez votre question.',
    retryable: true,
  },
  RERANKER_UNAVAILABLE: {
    userMessage: 'Le service de reclassement des passages ne répond pas. La recherche continue sans lui.',
    retryable: true,
  },
  MODEL_BAD_RESPONSE: {
    userMessage: 'Le modèle de langage a renvoyé une réponse inexploitable. Réessayez votre question.',
    retryable: true,
  },
  ENRICHMENT_FAILED: {
    userMessage:
      'Aucune entrée écrite : le modèle a échoué pour les {failed} document(s) tentés ({reasons}). Vérifiez le modèle configuré (CHAT_MODEL_…) puis relancez « passerelle enrich ».',
    retryable: false,
  },
  MODEL_REJECTED_REQUEST: {
    userMessage: 'Le modèle de langage a refusé la requête (authentification ou paramètres). Prévenez l’administrateur.',
    retryable: false,
  },
  QUEUE_UNAVAILABLE: {
    userMessage: 'Les résumés et tâches longues sont temporairement indisponibles. Vos questions restent traitées normalement ; réessayez plus tard.',
    retryable: true,
  },
  JOB_LIMIT_REACHED: {
    userMessage: 'Vous avez déjà {count} tâche(s) en cours (maximum {max}). Attendez qu’elles se terminent ou annulez-en une (« tâches », « annule <id> »).',
    retryable: false,
  },
  JOB_NOT_FOUND: { userMessage: 'Je ne trouve pas de tâche « {id} » parmi les vôtres. Tapez « tâches » pour la liste.', retryable: false },
  SUMMARY_REQUEST_INVALID: {
    userMessage:
      'Je n’ai pas compris quoi résumer. Exemples : joignez un document avec « résume », « résume la conversation », « résume le titre XII du code des douanes », « résume les articles 60 à 67 bis ».',
    retryable: false,
  },
  RECIPIENT_UNREACHABLE: {
    userMessage: 'Le destinataire n’est plus joignable (bot bloqué, désinstallé ou conversation quittée).',
    retryable: false,
  },
  CHANNEL_UNAVAILABLE: { userMessage: 'Le canal de messagerie ne répond pas pour le moment. Nouvel essai automatique.', retryable: true },
  ATTACHMENT_UNREADABLE: { userMessage: 'Je n’ai pas pu récupérer la pièce jointe {file} : {reason}.', retryable: false },
  EVAL_FILE_INVALID: { userMessage: 'Le jeu de questions {file} est invalide : {reason}.', retryable: false },
  JOB_INVALID: { userMessage: 'Tâche invalide.', retryable: false },
  JOB_CANCELLED: { userMessage: 'Tâche annulée.', retryable: false },
  JOB_TIMED_OUT: { userMessage: 'La tâche a dépassé le temps autorisé et a été arrêtée.', retryable: false },
  JOB_FAILED: { userMessage: 'La tâche a échoué après plusieurs essais.', retryable: false },
  CODE_NOT_IN_BASE: {
    userMessage:
      'Le {code} n’est pas dans les bases de Passerelle (la base est vide ou ne contient pas ce code). Pour l’y verser : « npx passerelle ingest --kb {kb} <fichier> », ou placez le corpus partagé dans ../shared/corpus puis relancez « npm start ».',
    retryable: false,
  },
  ARTICLES_NOT_FOUND: { userMessage: 'Les articles {from} à {to} n’existent pas tous dans le {code} (vérifiez les numéros).', retryable: false },
  HEADING_NOT_FOUND: {
    userMessage: 'Je ne trouve pas « {label} » dans le {code}. Indiquez par exemple « titre XII » ou « chapitre II du titre III ».',
    retryable: false,
  },
  QUIZ_NOTHING_TO_ASK: {
    userMessage:
      'Je n’ai pas de question de quiz sur « {scope} » dans les bases qui vous sont ouvertes. Essayez « quiz », « quiz titre XII », « quiz article 414 » ou « quiz congés ».',
    retryable: false,
  },
  EXPLAIN_NOTHING_CITED: {
    userMessage: 'Je n’ai pas encore cité d’article dans cette conversation : posez une question, puis tapez « explique » — ou « explique l’article 414 ».',
    retryable: false,
  },
  EXPLAIN_SOURCE_UNKNOWN: { userMessage: 'Ma dernière réponse cite {count} source(s) : « explique 1 » à « explique {count} ».', retryable: false },
  EXPLAIN_ARTICLE_NOT_FOUND: {
    userMessage: 'Je ne trouve pas l’article « {number} » dans les bases qui vous sont ouvertes. Vérifiez le numéro (et le code : « explique l’article L621-1 du CGFP »).',
    retryable: false,
  },
  CHANNEL_LOCKED: {
    userMessage:
      'Une autre instance de Passerelle détient déjà la connexion Tchap/Matrix{owner} : un seul processus peut la tenir (verrou {lockFile}). ' +
      'Arrêtez l’autre instance, ou supprimez le verrou si vous êtes certain qu’elle ne tourne plus. Les workers confient leurs réponses à ce processus.',
    retryable: false,
  },
  ANNOUNCEMENT_EMPTY: { userMessage: 'Le message de l’annonce est vide.', retryable: false, http: { status: 400, code: 'empty' } },
  ANNOUNCEMENT_TOO_LONG: { userMessage: 'L’annonce est trop longue ({length} caractères, maximum {max}).', retryable: false, http: { status: 413, code: 'too-long' } },
  AUDIENCE_MISSING: { userMessage: `Destinataires manquants. ${AUDIENCE_SYNTAX}`, retryable: false, http: { status: 400, code: 'audience-missing' } },
  AUDIENCE_UNKNOWN: { userMessage: `Destinataires inconnus « {token} ». ${AUDIENCE_SYNTAX}`, retryable: false, http: { status: 400, code: 'audience-unknown' } },
  AUDIENCE_TEXT_TOO_LONG: { userMessage: 'Liste de destinataires trop longue (plus de {max} caractères).', retryable: false, http: { status: 400, code: 'audience-unknown' } },
  AUDIENCE_IDS_MISSING: {
    userMessage: `« {token} » : il manque le ou les identifiants après « {keyword}: ». ${AUDIENCE_SYNTAX}`,
    retryable: false,
    http: { status: 400, code: 'audience-unknown' },
  },
  AUDIENCE_ONE_ID: {
    userMessage: '« {keyword}: » attend un seul identifiant (répétez le terme pour en viser plusieurs).',
    retryable: false,
    http: { status: 400, code: 'audience-unknown' },
  },
  AUDIENCE_ROOM_EXPECTED: {
    userMessage: '« {token} » : membres: attend un identifiant de salon Tchap (!identifiant:serveur).',
    retryable: false,
    http: { status: 400, code: 'audience-unknown' },
  },
  AUDIENCE_EMPTY: { userMessage: 'Aucun destinataire : personne ne correspond à ces destinataires.', retryable: false, http: { status: 422, code: 'audience-empty' } },
  AUDIENCE_TOO_LARGE: { userMessage: 'Trop de destinataires ({count}, maximum {max}).', retryable: false, http: { status: 422, code: 'audience-too-large' } },
  CHANNEL_DISABLED: {
    userMessage: 'Le canal {name} n’est pas activé sur ce déploiement : destinataires « {channel} » impossibles.',
    retryable: false,
    http: { status: 422, code: 'channel-disabled' },
  },
  DIRECTORY_MISSING_TEAMS: {
    userMessage: 'Microsoft Graph n’est pas configuré : les audiences equipe: et groupe: sont indisponibles.',
    retryable: false,
    http: { status: 502, code: 'directory-unavailable' },
  },
  DIRECTORY_MISSING_MATRIX: {
    userMessage: 'La lecture des membres d’un salon Tchap n’est pas disponible (canal Tchap non démarré).',
    retryable: false,
    http: { status: 502, code: 'directory-unavailable' },
  },
  ANNOUNCE_ROOMS_UNAVAILABLE: {
    userMessage: 'Les salons d’annonce Tchap ne sont pas disponibles ({why}).',
    retryable: false,
    http: { status: 422, code: 'announcement-rooms-unavailable' },
  },
  ANNOUNCE_ROOMS_LIST_INVALID: {
    userMessage: 'Liste des membres des salons d’annonce illisible ({file}) : {problem}',
    retryable: false,
    http: { status: 400, code: 'announcement-rooms-list-invalid' },
  },
  ANNOUNCE_ROOMS_UNKNOWN: {
    userMessage: 'Aucun salon d’annonce pour : {services}. Salons existants : {known}.',
    retryable: false,
    http: { status: 400, code: 'audience-unknown' },
  },
  DIRECTORY_FAILED: {
    userMessage: 'Impossible de lire les membres de {what} : vérifiez l’identifiant et les droits de Passerelle.',
    retryable: false,
    http: { status: 502, code: 'directory-unavailable' },
  },
  SCHEDULE_INVALID: {
    userMessage: 'Date d’envoi illisible « {value} » : écrivez-la au format ISO, par exemple 2026-12-01T09:00+01:00.',
    retryable: false,
    http: { status: 400, code: 'schedule-invalid' },
  },
  SCHEDULE_PAST: { userMessage: 'La date d’envoi {date} est déjà passée.', retryable: false, http: { status: 400, code: 'schedule-past' } },
  SCHEDULE_TOO_FAR: { userMessage: 'La date d’envoi est à plus d’un an : programmez l’annonce plus tard.', retryable: false, http: { status: 400, code: 'schedule-too-far' } },
  ANNOUNCEMENT_NOT_FOUND: { userMessage: 'Je ne trouve pas d’annonce « {id} ».', retryable: false, http: { status: 404, code: 'not-found' } },
  ANNOUNCEMENT_NOT_DRAFT: { userMessage: 'L’annonce {id} est déjà {status} : rien à confirmer.', retryable: false, http: { status: 409, code: 'not-draft' } },
  DRAFT_EXPIRED: { userMessage: 'Cet aperçu a expiré : préparez l’annonce à nouveau.', retryable: false, http: { status: 409, code: 'draft-expired' } },
  ANNOUNCEMENT_NOT_CANCELLABLE: { userMessage: 'L’annonce {id} est {status} : elle ne peut plus être annulée.', retryable: false, http: { status: 409, code: 'not-cancellable' } },
  CONSOLE_UNAUTHENTICATED: { userMessage: 'Votre session a expiré ou n’existe pas : reconnectez-vous.', retryable: false, http: { status: 401, code: 'unauthenticated' } },
  CONSOLE_FORBIDDEN: { userMessage: 'Votre rôle ({role}) ne permet pas cette action : elle est réservée aux rôles {needed}.', retryable: false, http: { status: 403, code: 'forbidden' } },
  CONSOLE_CSRF: {
    userMessage: 'Ce formulaire a expiré ou ne vient pas de la console (jeton anti-falsification invalide) : rechargez la page puis recommencez.',
    retryable: false,
    http: { status: 403, code: 'csrf' },
  },
  CONSOLE_TOKEN_INVALID: { userMessage: 'Jeton d’administration invalide.', retryable: false, http: { status: 401, code: 'unauthorized' } },
  CONSOLE_NOT_FOUND: { userMessage: 'Cette page de la console n’existe pas.', retryable: false, http: { status: 404, code: 'not-found' } },
  OIDC_FAILED: {
    userMessage: 'La connexion par {provider} a échoué ({reason}). Recommencez ; si cela se reproduit, prévenez l’administrateur de Passerelle.',
    retryable: false,
    http: { status: 401, code: 'sign-in-failed' },
  },
  OIDC_NO_ROLE: {
    userMessage: 'Votre compte {who} est bien reconnu par {provider}, mais aucun rôle de la console ne lui est attribué. Demandez-en un à un administrateur de Passerelle.',
    retryable: false,
    http: { status: 403, code: 'no-role' },
  },
  OIDC_UNAVAILABLE: {
    userMessage: 'Le service d’identité {provider} ne répond pas. Réessayez plus tard, ou connectez-vous avec le jeton d’administration sur le poste du serveur.',
    retryable: true,
    http: { status: 502, code: 'identity-provider-unavailable' },
  },
  FORM_INVALID: { userMessage: 'Formulaire incomplet ou invalide : {problem}.', retryable: false, http: { status: 400, code: 'invalid-form' } },
  UPLOAD_TOO_LARGE: { userMessage: 'Envoi trop volumineux (plus de {max} octets) : versez les fichiers un par un, ou avec « passerelle ingest ».', retryable: false, http: { status: 413, code: 'too-large' } },
  STANDARD_ANSWER_NOT_FOUND: { userMessage: 'La réponse type « {id} » (version {version}) est introuvable.', retryable: false, http: { status: 404, code: 'not-found' } },
  STANDARD_ANSWER_SELF_REVIEW: {
    userMessage: 'Vous avez rédigé cette version : sa publication doit être validée par un autre curateur (principe du double regard).',
    retryable: false,
    http: { status: 409, code: 'self-review' },
  },
  STANDARD_ANSWER_NOT_PROPOSED: {
    userMessage: 'La version {version} de la réponse type {id} n’est plus en attente de relecture (statut : {status}).',
    retryable: false,
    http: { status: 409, code: 'not-proposed' },
  },
  SOURCE_NOT_FOUND: { userMessage: 'Le passage « {id} » n’existe pas dans la base {kb} : choisissez une source parmi les passages de la base.', retryable: false, http: { status: 400, code: 'unknown-source' } },
  DOCUMENT_NOT_FOUND: { userMessage: 'Le document « {id} » n’est pas dans la base {kb}.', retryable: false, http: { status: 404, code: 'not-found' } },
  SOURCE_FILE_MISSING: {
    userMessage: 'Le fichier source {file} n’existe plus sur le serveur : versez-le à nouveau pour réindexer ce document.',
    retryable: false,
    http: { status: 409, code: 'source-missing' },
  },
  ENRICHMENT_ENTRY_NOT_FOUND: { userMessage: 'Aucune formulation à relire pour « {id} » dans la base {kb}.', retryable: false, http: { status: 404, code: 'not-found' } },
  ARTICLE_NOT_FOUND: { userMessage: 'Je ne trouve pas l’article {article} dans cette base (vérifiez le numéro, ou demandez « où est passé l’article {article} ? »).', retryable: false },
  ARTICLE_AMBIGUOUS: { userMessage: 'Plusieurs codes ont un article {article} ({codes}) : précisez le code, par exemple « article {article} du code des douanes ».', retryable: false },
  ARTICLE_VERSION_NOT_FOUND: { userMessage: 'Aucune version de l’article {article} n’était en vigueur le {date} dans cette base.', retryable: false },
  CONCORDANCE_FILE_INVALID: { userMessage: 'La table de concordance {file} est invalide : {reason}.', retryable: false },
  SYNC_ARCHIVE_INVALID: { userMessage: 'L’archive {file} est illisible ou tronquée : {reason}. Elle sera reprise à la prochaine synchronisation.', retryable: true },
  SYNC_SOURCE_UNAVAILABLE: { userMessage: 'La source officielle {source} ne répond pas pour le moment ({reason}). Nouvel essai automatique.', retryable: true },
  SYNC_DOWNLOAD_FAILED: { userMessage: 'Le téléchargement de {file} depuis {source} a échoué : {reason}. Il reprendra là où il s’est arrêté à la prochaine synchronisation.', retryable: true },
  SYNC_DOWNLOAD_REFUSED: { userMessage: 'Le téléchargement de {file} depuis {source} est refusé : {reason}.', retryable: false },
  SYNC_DISK_FULL: { userMessage: 'Plus de place sur le disque pour enregistrer {file} dans {folder} : libérez de l’espace, la synchronisation reprendra le téléchargement.', retryable: true },
  SYNC_RUN_INCOMPLETE: { userMessage: 'La synchronisation « {schedule} » ne s’est pas terminée ({reason}) : nouvel essai automatique plus tard.', retryable: true },
  SYNC_RUN_FAILED: { userMessage: 'La synchronisation « {schedule} » a échoué ({reason}) : un nouvel essai ne peut pas réussir sans intervention.', retryable: false },
  SYNC_CREDENTIALS_INVALID: { userMessage: 'Les identifiants PISTE de Légifrance sont refusés : vérifiez l’identifiant et le secret client.', retryable: false },
  INTERNAL: {
    userMessage: 'Une erreur inattendue s’est produite. Elle a été journalisée ; réessayez ou prévenez l’administrateur.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error of the catalogue. `details` fill the user message; `cause` is for the log only. */
export class PasserelleError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string | number>>;
  readonly retryable: boolean;
  /** Delay suggested by the remote side (HTTP Retry-After, Matrix retry_after_ms), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    details: Record<string, string | number> = {},
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(`${code}: ${describeCause(options.cause) ?? renderMessage(code, details)}`, { cause: options.cause });
    this.name = 'PasserelleError';
    this.code = code;
    this.details = Object.freeze({ ...details });
    this.retryable = ERROR_CATALOGUE[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The French text for the user. */
  get userMessage(): string {
    return renderMessage(this.code, this.details);
  }
}

function renderMessage(code: ErrorCode, details: Readonly<Record<string, string | number>>): string {
  const definition: ErrorDefinition = ERROR_CATALOGUE[code];
  return definition.userMessage.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in details)) return `{${key}}`;
    const value = details[key];
    return typeof value === 'number' && definition.bytes?.includes(key) ? formatBytes(value) : String(value);
  });
}

/** A number of bytes as agents read it: « 820 octets », « 30 Ko », « 4,9 Mo », « 60 Mo ». */
export function formatBytes(bytes: number): string {
  const format = (value: number, unit: string): string => `${value < 10 ? (Math.round(value * 10) / 10).toLocaleString('fr-FR') : Math.round(value).toLocaleString('fr-FR')} ${unit}`;
  if (bytes >= 1024 * 1024) return format(bytes / (1024 * 1024), 'Mo');
  if (bytes >= 1024) return format(bytes / 1024, 'Ko');
  return `${bytes} octets`;
}

/** The admin API's status and code of a refusal (an announcement request that was not accepted), if it is one. */
export function httpRefusalOf(error: unknown): { status: number; code: string } | undefined {
  if (!(error instanceof PasserelleError)) return undefined;
  const definition: ErrorDefinition = ERROR_CATALOGUE[error.code];
  return definition.http;
}

/** Wraps anything thrown into a catalogue error (INTERNAL unless it already is one). */
export function toPasserelleError(error: unknown): PasserelleError {
  return error instanceof PasserelleError ? error : new PasserelleError('INTERNAL', {}, { cause: error });
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? cause.message : String(cause);
}
