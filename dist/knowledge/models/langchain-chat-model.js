import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { PasserelleError } from "../../bots/errors.js";
/**
 * The chat model port over LangChain: `ChatMistralAI` (La Plateforme, or any server speaking the Mistral
 * protocol) or `ChatOpenAI` (any OpenAI-compatible endpoint: Albert API, vLLM, Ollama…).
 *
 * Time limits. Two signals end a request, and both reject promptly (the pending promise is raced against
 * them, and the HTTP request itself is aborted):
 * - the caller's `signal`: its reason decides the code — a `TimeoutError` reason (`AbortSignal.timeout`)
 *   gives MODEL_TIMEOUT; any other reason (an `AbortController.abort()`, i.e. an AbortError, such as the
 *   user leaving or the service shutting down) gives MODEL_UNAVAILABLE with the reason as `cause`;
 * - the endpoint's `timeoutMs`, applied as an *idle* limit: the longest wait without progress (the whole
 *   request when not streamed; the wait for the first, then for each next, delta when streamed, so that a
 *   long answer streamed at a steady pace is never cut). It gives MODEL_TIMEOUT.
 *
 * `ChatMistralAI` passes no signal to the Mistral SDK (and switches `invoke` to streaming whenever it gets
 * one), so for Mistral the signal is never handed to LangChain: a `beforeRequest` hook of the SDK's HTTP
 * client attaches it to the outgoing `Request` instead, which aborts the fetch and its body for real. It
 * replaces the SDK's built-in 30 s whole-request timeout, which would otherwise cut long streamed answers.
 *
 * Stray rejection of the Mistral SDK. Its `APIPromise` keeps a private derived promise (`#unwrapped`) that
 * nobody awaits; when anything throws inside the SDK after the response arrived — `JSON.parse` of a
 * truncated 200, or a body read cut by a dropped connection or an abort — that derived promise rejects
 * unhandled, which crashes Node 22. It is private, so no catch can be attached to it. Instead the failure
 * is prevented at its source: a `response` hook reads (a clone of) every JSON body and checks it parses,
 * throwing from the hook otherwise. Errors thrown by hooks happen inside the SDK's `_do`, which turns them
 * into an error *result* (never a throw), so the SDK never reaches its own `JSON.parse` of a broken body and
 * no stray promise rejects. A process-wide `unhandledRejection` listener was rejected: merely adding one
 * turns off Node's default crash for *every* unhandled rejection of the process, not only this one.
 *
 * Errors. Every failure becomes a catalogue error with the original error as `cause` (the user message
 * comes from the catalogue, never from the cause): network, 5xx, 408/409/425/429 → MODEL_UNAVAILABLE
 * (with `retryAfterMs` from `Retry-After`); other 4xx (400, 401, 403, 404, 413, 422…) →
 * MODEL_REJECTED_REQUEST; unparsable, unexpected or empty response → MODEL_BAD_RESPONSE; timeouts →
 * MODEL_TIMEOUT. An error of unknown shape is reported as MODEL_UNAVAILABLE.
 */
export const MISTRAL_SERVER_URL = 'https://api.mistral.ai';
const DEFAULT_MAX_TOKENS = 800;
const DEFAULT_TEMPERATURE = 0.1;
/** Placeholder key for endpoints that need none: the LangChain classes refuse to start without a key (and
 * would otherwise read MISTRAL_API_KEY / OPENAI_API_KEY from the environment and send it to the endpoint).
 * The Authorization header is removed before sending. */
const NO_API_KEY = 'passerelle-no-api-key';
export class LangChainChatModel {
    id;
    ceiling;
    provider;
    model;
    url;
    apiKey;
    timeoutMs;
    maxRetries;
    /** Throws CONFIG_INVALID for provider 'none', a missing model, or an OpenAI-compatible endpoint without URL. */
    constructor(config) {
        if (config.provider === 'none')
            throw invalidConfig('aucun fournisseur de modèle configuré');
        if (!config.model)
            throw invalidConfig('modèle requis');
        this.provider = config.provider;
        this.model = config.model;
        if (config.provider === 'mistral') {
            // The SDK appends /v1/… itself: accept https://api.mistral.ai as well as …/v1 (used for embeddings).
            this.url = stripTrailingSlashes(config.url ?? MISTRAL_SERVER_URL).replace(/\/v1$/, '');
        }
        else {
            if (!config.url)
                throw invalidConfig('URL requise pour un point d’accès compatible OpenAI');
            this.url = stripTrailingSlashes(config.url);
        }
        this.apiKey = config.apiKey || undefined;
        this.timeoutMs = config.timeoutMs;
        this.maxRetries = config.maxRetries;
        this.ceiling = config.ceiling;
        this.id = `${config.provider}:${config.model}`;
    }
    async complete(messages, options = {}) {
        const { onDelta } = options;
        const idle = new IdleTimeout(this.timeoutMs);
        const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
        const llm = await this.createLangChainModel(options.maxTokens ?? DEFAULT_MAX_TOKENS, options.temperature ?? DEFAULT_TEMPERATURE, signal);
        // Mistral gets the signal through its HTTP hook (see above); handing it to ChatMistralAI would only
        // switch `invoke` to streaming.
        const callOptions = this.provider === 'openai-compatible' ? { signal } : {};
        const input = toLangChainMessages(messages);
        try {
            signal.throwIfAborted();
            idle.arm();
            let message;
            let reportedModel;
            if (onDelta) {
                const stream = await abortable(llm.stream(input, callOptions), signal);
                const iterator = stream[Symbol.asyncIterator]();
                let streamed;
                try {
                    for (;;) {
                        idle.arm();
                        const next = await abortable(iterator.next(), signal);
                        if (next.done)
                            break;
                        const chunk = next.value;
                        streamed = streamed === undefined ? chunk : streamed.concat(chunk);
                        // Taken from one chunk: concatenation would also concatenate the model names.
                        reportedModel ??= modelName(chunk);
                        const delta = chunk.text;
                        if (delta.length > 0) {
                            try {
                                onDelta(delta);
                            }
                            catch (error) {
                                throw new CallerError(error);
                            }
                        }
                    }
                }
                catch (error) {
                    // Stop consuming: cancels the underlying HTTP body where the client supports it.
                    try {
                        void iterator.return?.()?.catch(() => undefined);
                    }
                    catch {
                        // Nothing more to stop.
                    }
                    throw error;
                }
                message = streamed;
            }
            else {
                message = await abortable(llm.invoke(input, callOptions), signal);
                reportedModel = modelName(message);
            }
            // A client noticing the abort may just end its stream (ChatMistralAI does): never return a partial text.
            signal.throwIfAborted();
            return this.toCompletion(messages, message, reportedModel);
        }
        catch (error) {
            // The caller's own onDelta failure is theirs, not the endpoint's: rethrown unchanged.
            if (error instanceof CallerError)
                throw error.error;
            throw toModelError(error, signal);
        }
        finally {
            idle.clear();
        }
    }
    toCompletion(messages, message, reportedModel) {
        const text = message?.text ?? '';
        if (message === undefined || text.trim().length === 0) {
            throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error(`empty answer from ${this.id}`) });
        }
        const reported = message.usage_metadata;
        const usage = reported && reported.input_tokens + reported.output_tokens > 0
            ? { inputTokens: reported.input_tokens, outputTokens: reported.output_tokens }
            : {
                inputTokens: estimateTokens(messages.reduce((sum, entry) => sum + entry.content.length, 0)),
                outputTokens: estimateTokens(text.length),
            };
        return { text, usage, model: reportedModel ?? this.model };
    }
    /** One LangChain model per call: ChatMistralAI reads temperature and max tokens from the instance only,
     * and its HTTP hooks carry this call's signal. Construction is cheap (no I/O). */
    async createLangChainModel(maxTokens, temperature, signal) {
        if (this.provider === 'mistral') {
            const { ChatMistralAI } = await import('@langchain/mistralai');
            const withSignal = (request) => {
                const headers = new Headers(request.headers);
                if (this.apiKey === undefined)
                    headers.delete('authorization');
                // Replaces the SDK's own signal, a fixed 30 s `AbortSignal.timeout` covering the body too, which would
                // cut any answer streamed for longer than 30 s whatever `timeoutMs` says; `signal` carries our limits.
                return new Request(request, { signal, headers });
            };
            return new ChatMistralAI({
                model: this.model,
                apiKey: this.apiKey ?? NO_API_KEY,
                serverURL: this.url,
                temperature,
                maxTokens,
                maxRetries: this.maxRetries,
                streamUsage: true,
                beforeRequestHooks: [withSignal],
                responseHooks: [checkJsonBody],
            });
        }
        const { ChatOpenAI } = await import('@langchain/openai');
        return new ChatOpenAI({
            model: this.model,
            apiKey: this.apiKey ?? NO_API_KEY,
            temperature,
            maxTokens,
            maxRetries: this.maxRetries,
            streamUsage: true,
            useResponsesApi: false,
            configuration: {
                baseURL: this.url,
                // Errors surface as exceptions mapped above; the SDK's own console logging would only add noise.
                logLevel: 'off',
                // `defaultHeaders: { Authorization: null }` would be the SDK's way, but LangChain's header
                // normalisation drops the null: remove the placeholder key's header at fetch time instead.
                ...(this.apiKey === undefined ? { fetch: fetchWithoutAuthorization } : {}),
            },
        });
    }
}
/** The chat model of an endpoint configuration; `undefined` when no model is configured (provider 'none'). */
export function createChatModel(config) {
    if (config.provider === 'none')
        return undefined;
    return new LangChainChatModel(config);
}
/** Wraps what the caller's `onDelta` threw, to tell it apart from endpoint failures. */
class CallerError {
    error;
    constructor(error) {
        this.error = error;
    }
}
/** A 2xx (or 422) whose JSON body does not parse. */
class MalformedResponseError extends Error {
    status;
    constructor(status, cause) {
        super(`HTTP ${status} with an unparsable JSON body`, { cause });
        this.name = 'MalformedResponseError';
        this.status = status;
    }
}
/**
 * Mistral SDK response hook: reads every JSON body in full and checks it parses, so that neither a
 * truncated body nor a failed body read ever reaches the SDK's own `JSON.parse` / `response.text()` (whose
 * failures leave an unhandled rejection behind, see the class comment). Event streams are left alone: they
 * are parsed while LangChain iterates, where errors propagate normally.
 */
const checkJsonBody = async (response) => {
    if (!/\bjson\b/i.test(response.headers.get('content-type') ?? ''))
        return;
    const text = await response.clone().text();
    // 4xx/5xx bodies go through the SDK's `fail` path, which never parses them; 422 is parsed.
    if (response.ok || response.status === 422) {
        try {
            JSON.parse(text);
        }
        catch (error) {
            throw new MalformedResponseError(response.status, error);
        }
    }
};
const fetchWithoutAuthorization = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    return fetch(input, { ...init, headers });
};
/** Rejects as soon as `signal` aborts, without waiting for `promise` (whose rejection stays handled). */
function abortable(promise, signal) {
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
        });
    });
}
/** A signal that aborts with a TimeoutError when not re-armed within `ms`. */
class IdleTimeout {
    ms;
    controller = new AbortController();
    timer;
    constructor(ms) {
        this.ms = ms;
    }
    get signal() {
        return this.controller.signal;
    }
    arm() {
        this.clear();
        this.timer = setTimeout(() => {
            this.controller.abort(new DOMException(`no progress from the model endpoint for ${this.ms} ms`, 'TimeoutError'));
        }, this.ms);
    }
    clear() {
        if (this.timer !== undefined)
            clearTimeout(this.timer);
        this.timer = undefined;
    }
}
/** The model name a provider reported: `model_name` (ChatOpenAI) or `model` (ChatMistralAI's generation info). */
function modelName(message) {
    const metadata = message.response_metadata;
    const name = metadata?.['model_name'] ?? metadata?.['model'];
    return typeof name === 'string' && name.length > 0 ? name : undefined;
}
function toLangChainMessages(messages) {
    return messages.map((message) => {
        switch (message.role) {
            case 'system':
                return new SystemMessage(message.content);
            case 'user':
                return new HumanMessage(message.content);
            case 'assistant':
                return new AIMessage(message.content);
        }
    });
}
/** Maps anything thrown while talking to the endpoint to a catalogue error (see the class comment). */
export function toModelError(error, signal) {
    if (error instanceof PasserelleError)
        return error;
    if (signal?.aborted) {
        // `error` is the abort reason itself (the race lost) or what the client threw once aborted.
        const code = nameOf(signal.reason) === 'TimeoutError' ? 'MODEL_TIMEOUT' : 'MODEL_UNAVAILABLE';
        return new PasserelleError(code, {}, { cause: error });
    }
    const chain = causeChain(error);
    const fail = (code, retryAfterMs) => new PasserelleError(code, {}, retryAfterMs === undefined ? { cause: error } : { cause: error, retryAfterMs });
    const malformed = chain.find((link) => link instanceof MalformedResponseError);
    if (malformed)
        return fail(malformed.status === 422 ? 'MODEL_REJECTED_REQUEST' : 'MODEL_BAD_RESPONSE');
    for (const link of chain) {
        const status = httpStatus(link);
        if (status === undefined)
            continue;
        if (status >= 500 || [408, 409, 425, 429].includes(status))
            return fail('MODEL_UNAVAILABLE', retryAfterMs(link));
        if (status >= 400)
            return fail('MODEL_REJECTED_REQUEST');
        return fail('MODEL_BAD_RESPONSE'); // a 2xx/3xx the client could not use (unexpected content type…)
    }
    const names = chain.map(nameOf);
    if (names.some((name) => name === 'TimeoutError' || name === 'RequestTimeoutError' || name === 'APIConnectionTimeoutError')) {
        return fail('MODEL_TIMEOUT');
    }
    if (chain.some(isParseFailure))
        return fail('MODEL_BAD_RESPONSE');
    return fail('MODEL_UNAVAILABLE');
}
function isParseFailure(link) {
    const name = nameOf(link);
    if (name === 'SyntaxError' || name === 'ResponseValidationError' || name === 'SDKValidationError' || name === 'ZodError')
        return true;
    const message = link instanceof Error ? link.message : '';
    return /could not parse|unexpected end of json|is not valid json|no message found/i.test(message);
}
function causeChain(error) {
    const chain = [];
    let current = error;
    while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 10) {
        chain.push(current);
        current = current.cause;
    }
    return chain;
}
function nameOf(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const name = value.name;
    return typeof name === 'string' ? name : undefined;
}
/** `status` (OpenAI SDK, LangChain) or `statusCode` (Mistral SDK). */
function httpStatus(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const { status, statusCode } = value;
    const candidate = typeof status === 'number' ? status : statusCode;
    return typeof candidate === 'number' && candidate >= 100 && candidate <= 599 ? candidate : undefined;
}
/** Retry-After (delta-seconds or HTTP date) of an error's response headers, in ms. */
function retryAfterMs(value) {
    const headers = value.headers;
    let header;
    if (headers instanceof Headers)
        header = headers.get('retry-after');
    else if (typeof headers === 'object' && headers !== null) {
        const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'retry-after');
        header = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
    }
    if (typeof header !== 'string' || header.trim() === '')
        return undefined;
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds))
        return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
function estimateTokens(chars) {
    return Math.ceil(chars / 4);
}
function stripTrailingSlashes(url) {
    return url.replace(/\/+$/, '');
}
function invalidConfig(problem) {
    return new PasserelleError('CONFIG_INVALID', { problems: problem });
}
