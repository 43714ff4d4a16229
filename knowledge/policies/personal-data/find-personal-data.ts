import { findBirthDates } from './birth-dates.ts';
import { findIdentifiers } from './identifiers.ts';
import { findIdentityDocuments } from './identity-documents.ts';
import { PERSONAL_DATA_KINDS, type PersonalDataSpan, type Recogniser } from './kinds.ts';
import { findNirs } from './nir.ts';
import { findPersonNames } from './person-names.ts';
import { findPhoneNumbers } from './phone-numbers.ts';
import { findPostalAddresses } from './postal-addresses.ts';

/**
 * The French personal-data recogniser: every recogniser runs over the whole text, then overlapping findings
 * are settled by precedence (`PERSONAL_DATA_KINDS` order, then the longer span): an e-mail address keeps the
 * name inside it, an address the person its street is named after, a NIR the digits a phone pattern saw.
 * Returns non-overlapping spans in text order.
 */

const RECOGNISERS: readonly Recogniser[] = [findIdentifiers, findNirs, findPhoneNumbers, findIdentityDocuments, findBirthDates, findPostalAddresses, findPersonNames];

export function findPersonalData(text: string): PersonalDataSpan[] {
  const rank = (span: PersonalDataSpan) => PERSONAL_DATA_KINDS.indexOf(span.kind);
  const candidates = RECOGNISERS.flatMap((recognise) => recognise(text)).sort(
    (a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: PersonalDataSpan[] = [];
  for (const candidate of candidates) {
    if (candidate.end > candidate.start && !kept.some((span) => span.start < candidate.end && candidate.start < span.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
