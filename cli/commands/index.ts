import type { Command } from './command.ts';

/**
 * The commands, loaded on demand: `passerelle search` must not pay for loading LangChain, botbuilder or the
 * Matrix SDK. Each summary is one line of French help.
 */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
  /** Prints its own report when the configuration does not validate (instead of the bare error). */
  onInvalidConfiguration?(problems: string): Promise<string>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  'ingest': {
    summary: 'ingest --kb <id> [--reindex] [--classification <niveau>] [chemin…] | ingest --all   Verse des fichiers (PDF, DOCX, HTML, Markdown, texte, JSONL) dans une base',
    load: async () => (await import('./ingest-command.ts')).ingestCommand,
  },
  'remove': {
    summary: 'remove --kb <id> <chemin…>   Retire d’une base les documents issus de ces fichiers',
    load: async () => (await import('./remove-command.ts')).removeCommand,
  },
  'search': {
    summary: 'search [--kb <id>] [--k N] [--date AAAA-MM-JJ] [--json] "<question>"   Cherche les passages les plus pertinents',
    load: async () => (await import('./search-command.ts')).searchCommand,
  },
  'eval': {
    summary: 'eval [--json] [--details] [--date AAAA-MM-JJ] <questions.jsonl>   Mesure la qualité de la recherche (R@1, R@5, R@10, MRR@10)',
    load: async () => (await import('./eval-command.ts')).evalCommand,
  },
  'diff': {
    summary: 'diff --kb <id> <article> [--code <nom>] [--from AAAA-MM-JJ] [--to AAAA-MM-JJ] [--json]   Ce qui a changé dans un article entre deux versions, mot à mot',
    load: async () => (await import('./diff-command.ts')).diffCommand,
  },
  'concordance': {
    summary: 'concordance import --kb <id> <table.csv> | list --kb <id> [--code <nom>] [--json] | derive --kb <id> [--out f.csv]   Table de concordance ancien ↔ nouveau numéro d’article',
    load: async () => (await import('./concordance-command.ts')).concordanceCommand,
  },
  'sync': {
    summary: 'sync legi --kb <id> (--dir <dossier> | --url <adresse|dila>) [--json] | sync legifrance --kb <id> [--json]   Met à jour les codes de la base depuis les archives LEGI de la DILA (dossier ou téléchargement) ou l’API Légifrance (PISTE)',
    load: async () => (await import('./sync-command.ts')).syncCommand,
  },
  'enrich': {
    summary: 'enrich --kb <id> [--limit N] [--force] | --list [--status brouillon|approuve] [--json] | --export <f.jsonl> | --import <f.jsonl> | --approve <id…> | --reject <id…>   Formulations des agents (enrichissement) : écrites par le modèle, relues par les curateurs',
    load: async () => (await import('./enrich-command.ts')).enrichCommand,
  },
  'learning': {
    summary: 'learning --quiz [--kb <id>] [--sample N] [--json] | --report [--days N] [--json]   Questions de quiz écrites pour chaque base (vérifiées sur les textes) ; bilan agrégé et anonyme de la formation à l’IA',
    load: async () => (await import('./learning-command.ts')).learningCommand,
  },
  'ask': {
    summary: 'ask [--kb <id>] [--date AAAA-MM-JJ] [--json] "<question>"   Pose une question et affiche la réponse sourcée',
    load: async () => (await import('./ask-command.ts')).askCommand,
  },
  'chat': {
    summary: 'chat   Discussion avec Passerelle dans le terminal (tapez « quitter » pour sortir)',
    load: async () => (await import('./chat-command.ts')).chatCommand,
  },
  'demo': {
    summary: 'demo   Alimente les bases (corpus partagé ou exemples) puis ouvre la discussion',
    load: async () => (await import('./chat-command.ts')).demoCommand,
  },
  'serve': {
    summary: 'serve   Démarre le bot sur les canaux activés (Teams, Tchap) — plusieurs répliques possibles avec PostgreSQL (Tchap tenu par une seule à la fois)',
    load: async () => (await import('./serve-command.ts')).serveCommand,
  },
  'worker': {
    summary: 'worker   Traite les tâches longues (résumés, enrichissement, synchronisations programmées) depuis Redis (REDIS_URL)',
    load: async () => (await import('./serve-command.ts')).workerCommand,
  },
  'announce': {
    summary: 'announce --to <destinataires> --file message.md [--at <date ISO>] | --status <id> [--csv fichier] | --cancel <id>   Annonce des administrateurs (via le bot en service)',
    load: async () => (await import('./announce-command.ts')).announceCommand,
  },
  'matrix': {
    summary: 'matrix restore --recovery-key <fichier|->   Restaure l’appareil Tchap du bot (nouvelle machine, dossier de données perdu) avec la clé de récupération : signature croisée et sauvegarde des clés',
    load: async () => (await import('./matrix-command.ts')).matrixCommand,
  },
  'config': {
    summary: 'config   Affiche la configuration effective (secrets masqués)',
    load: async () => (await import('./config-command.ts')).configCommand,
  },
  'doctor': {
    summary: 'doctor [--json] [--timeout <secondes>]   Vérifie la configuration et chaque dépendance configurée (Qdrant, Redis, PostgreSQL, modèles, Tchap, Teams) et dit quoi corriger',
    load: async () => (await import('./doctor-command.ts')).doctorCommand,
    onInvalidConfiguration: async (problems) => (await import('../../app/doctor/doctor.ts')).formatInvalidConfiguration(problems),
  },
  'teams-manifest': {
    summary: 'teams-manifest [--out fichier.zip] [--version x.y.z]   Génère le paquet d’application Teams (manifeste et icônes)',
    load: async () => (await import('./teams-manifest-command.ts')).teamsManifestCommand,
  },
};

/** Every command's line, or only the named command's. */
export function usage(only?: string): string {
  const entries = only !== undefined && COMMANDS[only] ? [COMMANDS[only]] : Object.values(COMMANDS);
  const lines = entries.map((command) => `  passerelle ${command.summary}`);
  return `Usage :\n${lines.join('\n')}\n`;
}
