import { PasserelleError } from "../../bots/errors.js";
/**
 * The format of what a base's index holds — the chunk payload, the sparse (lexical) vectors of the French
 * analyser, the dense vectors' model — as one number. Bump it when a release changes one of them in a way
 * an index built before cannot be read or searched correctly (a new analyser, a new payload field the
 * search relies on). The stores record it per base and refuse a base built with another format, with a
 * French message asking for `passerelle ingest --kb <id> --reindex`: a re-index is always explicit, never
 * a surprise at start.
 *
 * Embedded store: a `base_formats` row per base (absent for a base built before formats existed: format 1).
 * Qdrant: the collection name (`<prefix><kb>` for format 1, `<prefix><kb>__v<format>` after), so that a
 * collection of another format is left alone until the explicit re-index replaces it.
 */
export const INDEX_FORMAT = 1;
/** STORE_FORMAT_INCOMPATIBLE for a base found with `stored` while this release reads `expected`. */
export function incompatibleFormat(kb, stored, expected) {
    return new PasserelleError('STORE_FORMAT_INCOMPATIBLE', { kb, stored, expected });
}
/** Qdrant collection of a base in a format. */
export function collectionOf(prefix, kb, format) {
    return format === 1 ? `${prefix}${kb}` : `${prefix}${kb}__v${format}`;
}
/** The format of a collection name of `kb`, or undefined when the name is not one of kb's collections. */
export function formatOfCollection(prefix, kb, name) {
    if (name === `${prefix}${kb}`)
        return 1;
    const match = new RegExp(`^${escape(`${prefix}${kb}`)}__v(\\d+)$`).exec(name);
    return match ? Number(match[1]) : undefined;
}
function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
