import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foldText } from '../../analysis/normalise.ts';

/**
 * The name gazetteer shipped as data (`knowledge/policies/gazetteer/`, origin and licence in its README): given
 * names, surnames, given names that are also ordinary words or places, and capitalised words that are never
 * part of a person's name. Entries are compared folded (no accents, lower case). Read once, on first use.
 */

export interface NameLists {
  firstNames: ReadonlySet<string>;
  surnames: ReadonlySet<string>;
  /** Given names that are also words or places (`pierre`, `marine`, `rose`, `france`). */
  wordNames: ReadonlySet<string>;
  notNames: ReadonlySet<string>;
}

let lists: NameLists | undefined;

export function nameLists(): NameLists {
  lists ??= {
    firstNames: readList('first-names.txt'),
    surnames: readList('surnames.txt'),
    wordNames: readList('word-names.txt'),
    notNames: readList('not-names.txt'),
  };
  return lists;
}

function readList(file: string): ReadonlySet<string> {
  const text = readFileSync(fileURLToPath(new URL(`../gazetteer/${file}`, import.meta.url)), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => foldText(line)),
  );
}
