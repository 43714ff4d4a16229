/** Character-level normalisation shared by indexing and querying: lower case, folded accents, plain quotes. */
const LIGATURES = { œ: 'oe', æ: 'ae', Œ: 'oe', Æ: 'ae', ß: 'ss' };
export function foldText(text) {
    return text
        .replace(/[œæŒÆß]/g, (c) => LIGATURES[c] ?? c)
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[\u2018\u2019\u02bc\u2032`´]/g, "'")
        .replace(/[\u2010-\u2015\u2212]/g, '-')
        .replace(/[\u00a0\u202f\u2009]/g, ' ');
}
