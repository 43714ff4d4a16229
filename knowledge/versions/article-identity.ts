import { foldText } from '../analysis/normalise.ts';

/**
 * The identity of an article that has no LEGI chronical id: its code and normalised number. Two versions of
 * "414" in the Code des douanes share it; a renumbered article does not (the concordance table links those).
 * The number is kept whole (folded, spaces and dots removed): "67 ter B" and "67 ter" are two articles, even though
 * the reference analyser reads both as "67ter".
 */
export function articleIdentity(code: string, number: string): string {
  return `${code}|${numberKey(number)}`;
}

/** An article number compared exactly: "L. 621-1" = "l621-1", "67 ter B" ≠ "67 ter". */
export function numberKey(number: string): string {
  return foldText(number).replace(/[\s.*]+/g, '');
}

/** True for identities built by `articleIdentity` (as opposed to LEGI chronical ids). */
export function isNumberIdentity(identity: string): boolean {
  return identity.includes('|');
}
