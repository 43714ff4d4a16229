/**
 * The NIR (« numéro de sécurité sociale »): sex, year, month, département (2A/2B for Corsica, 97x overseas,
 * 99 abroad), commune, order number — 13 characters — then a 2-digit key, 97 − (number mod 97), where the
 * number of a Corsican NIR is read with 2A as 19 and 2B as 18. Written spaced (`1 85 05 78 006 084 91`),
 * dotted or in one block.
 *
 * A 13-character structure with the right key is a NIR wherever it is. A NIR with a wrong key (mistyped,
 * invented) or without its key is one only when announced (« NIR », « sécurité sociale », « carte Vitale »…)
 * or — for the 15-digit form — written in the NIR's own grouping `1 85 05 78 006 084 36`, which nothing
 * else uses.
 */
const CANDIDATE = /(?<![\p{L}\p{N}])[1-478](?:[ .-]?[\dAB]){12,14}(?![\p{L}\p{N}])/gu;
const CUE = /(?:\bnir\b|\bs[ée]cu\b|s[ée]curit[ée] sociale|\binsee\b|\bvitale\b|\bn°\s*ss\b|\bss\s*:)/i;
const CUE_WINDOW = 60;
const NIR_LAYOUT = /^\d([ .-])\d{2}\1\d{2}\1(?:\d{2}|2[AB])\1\d{3}\1\d{3}\1\d{2}$|^\d([ .-])\d{2}\2\d{2}\2\d{3}\2\d{2}\2\d{3}\2\d{2}$/;
export function findNirs(text) {
    const spans = [];
    for (const match of text.matchAll(CANDIDATE)) {
        const found = readNir(match[0]);
        if (!found)
            continue;
        const raw = match[0].slice(0, found.length);
        const announced = CUE.test(text.slice(Math.max(0, match.index - CUE_WINDOW), match.index));
        const accepted = (found.key === 'valid' && /^[12]/.test(raw)) || announced || (found.key === 'wrong' && NIR_LAYOUT.test(raw));
        if (accepted)
            spans.push({ kind: 'nir', start: match.index, end: match.index + raw.length });
    }
    return spans;
}
/** Reads the longest prefix of `raw` that has a NIR's structure (15 characters with the key, else 13). */
function readNir(raw) {
    const positions = [];
    for (let index = 0; index < raw.length; index++)
        if (/[\dAB]/.test(raw[index] ?? ''))
            positions.push(index);
    for (const size of [15, 13]) {
        const last = positions[size - 1];
        if (last === undefined)
            continue;
        const compact = positions.slice(0, size).map((index) => raw[index]).join('');
        if (!hasNirStructure(compact))
            continue;
        const key = size === 13 ? 'absent' : nirKey(compact.slice(0, 13)) === Number(compact.slice(13)) ? 'valid' : 'wrong';
        return { length: last + 1, key };
    }
    return undefined;
}
function hasNirStructure(compact) {
    if (!/^\d{5}(?:\d{2}|2[AB])\d+$/.test(compact))
        return false;
    const month = Number(compact.slice(3, 5));
    const monthOk = (month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || month >= 50;
    return monthOk && compact.slice(5, 7) !== '00';
}
/** 97 − (number mod 97), Corsican départements read as 19 (2A) and 18 (2B). */
export function nirKey(first13) {
    const corsica = first13.slice(5, 7);
    const numeric = corsica === '2A' || corsica === '2B' ? `${first13.slice(0, 5)}${corsica === '2A' ? '19' : '18'}${first13.slice(7)}` : first13;
    return 97 - Number(BigInt(numeric) % 97n);
}
