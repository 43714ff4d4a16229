/**
 * What the personal-data recogniser finds. The order of `PERSONAL_DATA_KINDS` is the precedence when two
 * findings overlap: a checksum-validated or strongly shaped identifier beats a contextual guess (an e-mail
 * address wins over the name inside it, an address over the person its street is named after).
 */
export const PERSONAL_DATA_KINDS = [
    'courriel',
    'iban',
    'nir',
    'telephone',
    'passeport',
    'carte-identite',
    'eori',
    'siret',
    'siren',
    'immatriculation',
    'date-naissance',
    'adresse',
    'personne',
];
/** Label for the audit log and reports (never the value). */
export const KIND_LABELS = {
    courriel: 'courriel',
    iban: 'IBAN',
    nir: 'NIR',
    telephone: 'téléphone',
    passeport: 'passeport',
    'carte-identite': 'carte d’identité',
    eori: 'EORI',
    siret: 'SIRET',
    siren: 'SIREN',
    immatriculation: 'immatriculation',
    'date-naissance': 'date de naissance',
    adresse: 'adresse',
    personne: 'personne',
};
/** Name inside placeholders: `[PERSONNE_1]`. */
export const KIND_TAGS = {
    courriel: 'COURRIEL',
    iban: 'IBAN',
    nir: 'NIR',
    telephone: 'TELEPHONE',
    passeport: 'PASSEPORT',
    'carte-identite': 'CARTE_IDENTITE',
    eori: 'EORI',
    siret: 'SIRET',
    siren: 'SIREN',
    immatriculation: 'IMMATRICULATION',
    'date-naissance': 'DATE_NAISSANCE',
    adresse: 'ADRESSE',
    personne: 'PERSONNE',
};
/**
 * Every match of a global pattern as a span of one kind. With the `d` flag and a group named `value`, the
 * span is that group only (the cue around it, such as « né le », stays in the text).
 */
export function spansOf(text, pattern, kind, accept = () => true) {
    const spans = [];
    for (const match of text.matchAll(pattern)) {
        if (!accept(match))
            continue;
        const [start, end] = match.indices?.groups?.value ?? [match.index, match.index + match[0].length];
        spans.push({ kind, start, end });
    }
    return spans;
}
