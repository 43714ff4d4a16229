import { PasserelleError } from "../../../bots/errors.js";
/**
 * Decodes a text file: UTF-8 (with or without BOM), else Windows-1252, refusing binary content.
 * Control characters other than tab and newlines are removed.
 */
export function decodeText(bytes, file) {
    const sample = bytes.subarray(0, 8192);
    let suspicious = 0;
    for (const byte of sample) {
        if (byte === 0)
            throw new PasserelleError('FILE_BINARY', { file });
        if (byte < 9 || (byte > 13 && byte < 32))
            suspicious++;
    }
    if (sample.length > 0 && suspicious / sample.length > 0.05)
        throw new PasserelleError('FILE_BINARY', { file });
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        text = new TextDecoder('windows-1252').decode(bytes);
    }
    return cleanText(text.replace(/^\uFEFF/, ''));
}
export function cleanText(text) {
    return text
        .replace(/\r\n?/g, '\n')
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
        .replace(/[ \t]+\n/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
}
export function assertHasText(text, file) {
    if (text.trim().length === 0)
        throw new PasserelleError('FILE_EMPTY', { file });
}
