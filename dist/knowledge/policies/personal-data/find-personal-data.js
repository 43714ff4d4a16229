import { findBirthDates } from "./birth-dates.js";
import { findIdentifiers } from "./identifiers.js";
import { findIdentityDocuments } from "./identity-documents.js";
import { PERSONAL_DATA_KINDS } from "./kinds.js";
import { findNirs } from "./nir.js";
import { findPersonNames } from "./person-names.js";
import { findPhoneNumbers } from "./phone-numbers.js";
import { findPostalAddresses } from "./postal-addresses.js";
/**
 * The French personal-data recogniser: every recogniser runs over the whole text, then overlapping findings
 * are settled by precedence (`PERSONAL_DATA_KINDS` order, then the longer span): an e-mail address keeps the
 * name inside it, an address the person its street is named after, a NIR the digits a phone pattern saw.
 * Returns non-overlapping spans in text order.
 */
const RECOGNISERS = [findIdentifiers, findNirs, findPhoneNumbers, findIdentityDocuments, findBirthDates, findPostalAddresses, findPersonNames];
export function findPersonalData(text) {
    const rank = (span) => PERSONAL_DATA_KINDS.indexOf(span.kind);
    const candidates = RECOGNISERS.flatMap((recognise) => recognise(text)).sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
    const kept = [];
    for (const candidate of candidates) {
        if (candidate.end > candidate.start && !kept.some((span) => span.start < candidate.end && candidate.start < span.end))
            kept.push(candidate);
    }
    return kept.sort((a, b) => a.start - b.start);
}
