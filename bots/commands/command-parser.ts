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
  | { type: 'unknown-command'; name: string }
  | { type: 'question'; text: string; kb?: string; unknownPrefix?: string };

const COMMANDS: Record<string, 'help' | 'sources' | 'forget' | 'feedback' | 'summarise' | 'jobs' | 'cancel' | 'announce'> = {
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
    if (command && command !== 'jobs' && (slash || rest.trim() === '')) return { type: command };
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
