import { foldText } from '../../knowledge/analysis/normalise.ts';

/**
 * Reads what the user typed: a command (French names, English aliases, with or without "/"), a question
 * with a base prefix ("code: …", "/code …", "rh : …"), or a plain question. Later issues add commands here.
 */

export type ParsedInput =
  | { type: 'help' }
  | { type: 'sources' }
  | { type: 'forget' }
  | { type: 'feedback'; text: string }
  | { type: 'summarise'; text: string }
  | { type: 'jobs' }
  | { type: 'cancel'; id: string }
  | { type: 'announce'; text: string }
  /** `quiz [thème | titre | article | bilan | efface | stop]` (learning mode). */
  | { type: 'quiz'; text: string }
  /** `formation [rapport]`: the AI-literacy module and its check. */
  | { type: 'training'; text: string }
  /** `explique [n | article …]`: walks through the article an answer cites. */
  | { type: 'explain'; text: string }
  /** `paramètres [réglage valeur]`: the room's settings (shown, or changed by its moderators). */
  | { type: 'settings'; text: string }
  | { type: 'unknown-command'; name: string }
  | { type: 'question'; text: string; kb?: string; unknownPrefix?: string };

const COMMANDS: Record<string, 'help' | 'sources' | 'forget' | 'feedback' | 'summarise' | 'jobs' | 'cancel' | 'announce' | 'quiz' | 'training' | 'explain' | 'settings'> = {
  parametres: 'settings',
  parametre: 'settings',
  reglages: 'settings',
  settings: 'settings',
  quiz: 'quiz',
  quizz: 'quiz',
  formation: 'training',
  training: 'training',
  explique: 'explain',
  expliquer: 'explain',
  explain: 'explain',
  resume: 'summarise',
  resumer: 'summarise',
  resumes: 'summarise',
  summarize: 'summarise',
  summarise: 'summarise',
  taches: 'jobs',
  tache: 'jobs',
  jobs: 'jobs',
  tasks: 'jobs',
  annonce: 'announce',
  announce: 'announce',
  annule: 'cancel',
  annuler: 'cancel',
  cancel: 'cancel',
  aide: 'help',
  help: 'help',
  '?': 'help',
  sources: 'sources',
  source: 'sources',
  oublie: 'forget',
  forget: 'forget',
  reset: 'forget',
  avis: 'feedback',
  feedback: 'feedback',
  remarque: 'feedback',
};

/** What may follow "formation": nothing, or one of its sub-commands. */
const TRAINING_ARGUMENT = /^(?:|rapport|bilan|stop)$/i;
/** What may follow "explique": nothing, a source number ("2", "[2]"), or an article ("l'article 414", "art. L621-1"). */
const EXPLAIN_ARGUMENT = /^(?:|\[?\d{1,2}\]?|(?:l'|la source |source )?(?:articles?|art\.?)\s*\S.*)$/;

/** What may follow "paramètres": nothing, or one of the settings. */
const SETTINGS_ARGUMENT = /^(?:|(?:bases?|mention|annonces?|avis|notice)(?:\s[\s\S]*)?)$/;

export interface PrefixTable {
  /** Folded prefix → base id. */
  get(prefix: string): string | undefined;
}

export function prefixTable(bases: ReadonlyArray<{ id: string; prefixes: readonly string[] }>): PrefixTable {
  const table = new Map<string, string>();
  for (const kb of bases) {
    table.set(foldText(kb.id), kb.id);
    for (const prefix of kb.prefixes) table.set(foldText(prefix), kb.id);
  }
  return { get: (prefix) => table.get(foldText(prefix)) };
}

export function parseInput(raw: string, prefixes: PrefixTable): ParsedInput {
  const text = raw.trim();
  const slash = /^\/([\p{L}?-]+)\s*([\s\S]*)$/u.exec(text);
  const bare = /^([\p{L}?]+)(?:\s+([\s\S]*))?$/u.exec(text);
  const word = slash?.[1] ?? bare?.[1];
  const rest = (slash ? slash[2] : bare?.[2]) ?? '';
  if (word) {
    const command = COMMANDS[foldText(word)];
    if (command === 'feedback') return { type: 'feedback', text: rest.trim() };
    if (command === 'summarise') return { type: 'summarise', text: rest.trim() };
    if (command === 'announce') return { type: 'announce', text: rest.trim() };
    if (command === 'cancel') return { type: 'cancel', id: rest.trim().split(/\s+/)[0] ?? '' };
    if (command === 'jobs' && rest.trim() === '') return { type: 'jobs' };
    if (command === 'quiz') return { type: 'quiz', text: rest.trim() };
    // "paramètres du congé ?" stays a question: only the command's own settings follow it.
    if (command === 'settings' && (slash || SETTINGS_ARGUMENT.test(foldText(rest.trim())))) return { type: 'settings', text: rest.trim() };
    // "formation continue des agents ?" and "explique-moi la retenue" stay questions: only the commands' own arguments.
    if (command === 'training' && (slash || TRAINING_ARGUMENT.test(rest.trim()))) return { type: 'training', text: rest.trim() };
    if (command === 'explain' && (slash || EXPLAIN_ARGUMENT.test(foldText(rest.trim())))) return { type: 'explain', text: rest.trim() };
    if (command && command !== 'jobs' && command !== 'training' && command !== 'explain' && command !== 'settings' && (slash || rest.trim() === '')) return { type: command };
  }
  if (slash && word) {
    const kb = prefixes.get(word);
    if (kb) return { type: 'question', text: rest.trim(), kb };
    return { type: 'unknown-command', name: word };
  }
  const prefixed = /^([\p{L}][\p{L} -]{0,24}?)\s*:\s*([\s\S]+)$/u.exec(text);
  if (prefixed) {
    const kb = prefixes.get((prefixed[1] ?? '').trim());
    if (kb) return { type: 'question', text: (prefixed[2] ?? '').trim(), kb };
    if (!(prefixed[1] ?? '').includes(' ')) return { type: 'question', text, unknownPrefix: (prefixed[1] ?? '').trim() };
  }
  return { type: 'question', text };
}
