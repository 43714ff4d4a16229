/**
 * Postal addresses: a number, a street type and a name (`12 rue de la République`, `3 bis avenue Jean
 * Jaurès`), a postcode and a city (`69002 Lyon`, `20200 Bastia`, `97400 Saint-Denis`), or both together. A
 * street without a number counts only after a cue (« domicilié rue des Écoles »). The street's name must hold a
 * capitalised word, so « 5 cours de formation » or « mise en place » stay text.
 */
const STREET_TYPES = capitalisable('rue|avenue|av\\.|boulevard|bd|bld|place|impasse|all[ée]e|chemin|route|quai|cours|square|passage|voie|faubourg|rond-point|esplanade|promenade|sentier|hameau|lotissement|r[ée]sidence|cit[ée]|villa|parvis|ruelle|mont[ée]e|traverse|chauss[ée]e|venelle|clos|lieu-dit');
const PARTICLE = "(?:de\\s+la\\s+|de\\s+l['’]|d['’]|de\\s+|du\\s+|des\\s+|la\\s+|le\\s+|les\\s+|l['’]|aux\\s+|au\\s+|sur\\s+|sous\\s+|en\\s+|et\\s+)";
const NAME_WORD = "[\\p{Lu}\\d][\\p{L}\\d'’.-]*";
const STREET_NAME = `${PARTICLE}*${NAME_WORD}(?:\\s+${PARTICLE}*${NAME_WORD}){0,4}`;
const NUMBER = '\\d{1,4}(?:\\s?(?:bis|ter|quater|[A-D]))?,?';
const CITY_WORD = "\\p{Lu}[\\p{L}'’-]+";
const POSTCODE_CITY = `(?:0[1-9]|[1-8]\\d|9[0-8])\\d{3}\\s+${CITY_WORD}(?:[\\s-]+(?:(?:sur|sous|en|l[èe]s|lez|le|la|les|de|du|des)[\\s-]+)?${CITY_WORD}){0,3}(?:\\s+(?:cedex|CEDEX|Cedex)(?:\\s+\\d{1,2})?)?`;
const CUE = `(?:${capitalisable('domicili[ée]e?s?|demeurant|r[ée]sidant|r[ée]side|habite|habitant|adresse\\s*:')})\\s+(?:au\\s+|à\\s+)?`;
const STREET = new RegExp(`(?<![\\p{L}\\p{N}])${NUMBER}\\s+(?:${STREET_TYPES})\\s+${STREET_NAME}(?:,?\\s+${POSTCODE_CITY})?`, 'gu');
const CUED_STREET = new RegExp(`${CUE}(?<value>(?:${STREET_TYPES})\\s+${STREET_NAME}(?:,?\\s+${POSTCODE_CITY})?)`, 'gud');
const POSTCODE_ONLY = new RegExp(`(?<![\\p{L}\\p{N}])${POSTCODE_CITY}`, 'gu');
export function findPostalAddresses(text) {
    const spans = [];
    for (const match of text.matchAll(STREET))
        spans.push({ kind: 'adresse', start: match.index, end: match.index + trimmedLength(match[0]) });
    for (const match of text.matchAll(CUED_STREET)) {
        const [start, end] = match.indices?.groups?.value ?? [match.index, match.index + match[0].length];
        spans.push({ kind: 'adresse', start, end: start + trimmedLength(text.slice(start, end)) });
    }
    for (const match of text.matchAll(POSTCODE_ONLY))
        spans.push({ kind: 'adresse', start: match.index, end: match.index + match[0].length });
    return spans;
}
/** Case-insensitive first letter only: the `i` flag would make `\\p{Lu}` match lower case too. */
function capitalisable(alternatives) {
    return alternatives
        .split('|')
        .map((word) => `[${word.charAt(0).toUpperCase()}${word.charAt(0)}]${word.slice(1)}`)
        .join('|');
}
/** A name word may take the sentence's full stop along (`Lyon.`): it is not part of the address. */
function trimmedLength(value) {
    return value.replace(/[.,]+$/, '').length;
}
