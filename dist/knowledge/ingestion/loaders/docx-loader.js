import mammoth from 'mammoth';
import { PasserelleError } from "../../../bots/errors.js";
import { fileDocument } from "./file-document.js";
import { htmlToText } from "./html-to-text.js";
/** Word documents through mammoth: Word heading styles become section headings. */
export const loadDocx = async (bytes, context) => {
    if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
        throw new PasserelleError('FILE_CORRUPT', { file: context.displayName, reason: 'ce n’est pas un document Word (.docx)' });
    }
    let html;
    try {
        html = (await mammoth.convertToHtml({ buffer: bytes })).value;
    }
    catch (error) {
        throw new PasserelleError('FILE_CORRUPT', { file: context.displayName, reason: 'archive DOCX illisible' }, { cause: error });
    }
    const { text } = htmlToText(html);
    if (text.trim() === '')
        throw new PasserelleError('FILE_NO_TEXT', { file: context.displayName });
    return fileDocument(bytes, context, { text });
};
