import { crc32, deflateSync } from 'node:zlib';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function encodePng(width, height, pixel) {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header.writeUInt8(8, 8); // bit depth
    header.writeUInt8(6, 9); // colour type: RGBA
    header.writeUInt8(0, 10); // compression
    header.writeUInt8(0, 11); // filter
    header.writeUInt8(0, 12); // no interlace
    const rows = Buffer.alloc(height * (1 + width * 4));
    for (let y = 0; y < height; y++) {
        const row = y * (1 + width * 4);
        rows[row] = 0; // filter: none
        for (let x = 0; x < width; x++) {
            const [r, g, b, a] = pixel(x, y);
            rows.set([r, g, b, a], row + 1 + x * 4);
        }
    }
    return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
function chunk(type, data) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length, 0);
    const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData) >>> 0, 0);
    return Buffer.concat([length, typeAndData, crc]);
}
const WHITE = [255, 255, 255, 255];
const TRANSPARENT = [0, 0, 0, 0];
/** Bleu France (#000091). */
const BLEU_FRANCE = [0, 0, 145, 255];
/** Whether (x, y) belongs to the footbridge drawn in a size×size square: an arch over a deck. */
function isBridge(x, y, size) {
    const px = (x + 0.5) / size;
    const py = (y + 0.5) / size;
    const deckTop = 0.62;
    const deck = py >= deckTop && py <= deckTop + 0.09 && px >= 0.12 && px <= 0.88;
    const distance = Math.hypot(px - 0.5, (py - deckTop) * 1.25);
    const arch = py <= deckTop && distance <= 0.36 && distance >= 0.36 - 0.09;
    const hanger = py <= deckTop && py >= deckTop - 0.3 && distance <= 0.36 && [0.32, 0.5, 0.68].some((column) => Math.abs(px - column) <= 0.025);
    return deck || arch || hanger;
}
/** 192×192 colour icon: white footbridge on Bleu France. */
export function colorIcon(size = 192) {
    return encodePng(size, size, (x, y) => (isBridge(x, y, size) ? WHITE : BLEU_FRANCE));
}
/** 32×32 outline icon: white footbridge on a transparent background. */
export function outlineIcon(size = 32) {
    return encodePng(size, size, (x, y) => (isBridge(x, y, size) ? WHITE : TRANSPARENT));
}
