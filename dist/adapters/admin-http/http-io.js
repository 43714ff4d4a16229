/** Reading JSON requests and writing JSON answers for the admin API. Error bodies: `{ error, message }` (French). */
export class HttpProblem extends Error {
    status;
    code;
    userMessage;
    headers;
    constructor(status, code, 
    /** French, for the admin. */
    userMessage, headers = {}) {
        super(`${status} ${code}`);
        this.status = status;
        this.code = code;
        this.userMessage = userMessage;
        this.headers = headers;
        this.name = 'HttpProblem';
    }
}
/** Parses the JSON object body; 415 without a JSON content type, 413 above `maxBytes`, 400 when malformed. */
export async function readJsonObject(request, maxBytes, maxCharsHint) {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type))
        throw new HttpProblem(415, 'unsupported-media-type', 'Le corps de la requête doit être du JSON (Content-Type: application/json).');
    const tooLarge = () => new HttpProblem(413, 'too-large', `Requête trop volumineuse (plus de ${maxBytes.toLocaleString('fr-FR')} octets) : une annonce est limitée à ${maxCharsHint.toLocaleString('fr-FR')} caractères.`);
    const body = await readLimitedBody(request, maxBytes, tooLarge);
    let parsed;
    try {
        parsed = JSON.parse(body.toString('utf8'));
    }
    catch {
        throw new HttpProblem(400, 'malformed-json', 'Le corps de la requête n’est pas un JSON valide.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new HttpProblem(400, 'malformed-json', 'Le corps de la requête doit être un objet JSON : {"to": …, "markdown": …, "at": …}.');
    return parsed;
}
/** The request body, refused with `tooLarge()` beyond `maxBytes` (declared or received); the rest is drained. */
export async function readLimitedBody(request, maxBytes, tooLarge) {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
        request.resume();
        throw tooLarge();
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
        size += chunk.length;
        if (size > maxBytes) {
            request.resume();
            throw tooLarge();
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
export function sendJson(response, status, body, headers = {}) {
    const text = JSON.stringify(body, null, 2);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)), ...headers });
    response.end(text);
}
export function sendProblem(response, status, code, message, headers = {}) {
    sendJson(response, status, { error: code, message }, headers);
}
