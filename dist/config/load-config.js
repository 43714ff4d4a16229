import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PasserelleError } from "../bots/errors.js";
import { ConfigSchema, crossFieldIssues } from "./schema.js";
/**
 * Builds the configuration once: defaults < config file (PASSERELLE_CONFIG, YAML or JSON) < environment.
 * Every problem is reported at once in one CONFIG_INVALID error; the result is deeply frozen. This is the
 * only module that reads `process.env`.
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CATALOGUE = resolve(PROJECT_ROOT, 'config/knowledge-bases.yaml');
/** Environment variable → config path. Values are strings; numbers are converted before validation. */
const ENVIRONMENT_MAP = [
    ['PASSERELLE_ENV', ['environment'], 'string'],
    ['PASSERELLE_DATA_DIR', ['dataDir'], 'string'],
    ['PASSERELLE_LOG_LEVEL', ['logLevel'], 'string'],
    ['PASSERELLE_VECTOR_STORE', ['vectorStore', 'kind'], 'string'],
    ['QDRANT_URL', ['vectorStore', 'qdrant', 'url'], 'string'],
    ['QDRANT_API_KEY', ['vectorStore', 'qdrant', 'apiKey'], 'string'],
    ['QDRANT_COLLECTION_PREFIX', ['vectorStore', 'qdrant', 'collectionPrefix'], 'string'],
    ['EMBEDDINGS_PROVIDER', ['embeddings', 'provider'], 'string'],
    ['EMBEDDINGS_URL', ['embeddings', 'url'], 'string'],
    ['EMBEDDINGS_API_KEY', ['embeddings', 'apiKey'], 'string'],
    ['EMBEDDINGS_MODEL', ['embeddings', 'model'], 'string'],
    ['EMBEDDINGS_CEILING', ['embeddings', 'ceiling'], 'string'],
    ['EMBEDDINGS_BATCH_SIZE', ['embeddings', 'batchSize'], 'number'],
    ['EMBEDDINGS_TIMEOUT_MS', ['embeddings', 'timeoutMs'], 'number'],
    ['CHAT_MODEL_PROVIDER', ['chatModel', 'provider'], 'string'],
    ['CHAT_MODEL_URL', ['chatModel', 'url'], 'string'],
    ['CHAT_MODEL_API_KEY', ['chatModel', 'apiKey'], 'string'],
    ['CHAT_MODEL_NAME', ['chatModel', 'model'], 'string'],
    ['CHAT_MODEL_CEILING', ['chatModel', 'ceiling'], 'string'],
    ['CHAT_MODEL_TIMEOUT_MS', ['chatModel', 'timeoutMs'], 'number'],
    ['PASSERELLE_MAX_FILE_BYTES', ['ingestion', 'maxFileBytes'], 'number'],
    ['PASSERELLE_ENRICHMENT', ['retrieval', 'enrichment'], 'string'],
    ['PASSERELLE_QUERY_REWRITE', ['retrieval', 'rewrite'], 'string'],
    ['RERANKER_PROVIDER', ['reranker', 'provider'], 'string'],
    ['RERANKER_URL', ['reranker', 'url'], 'string'],
    ['RERANKER_API_KEY', ['reranker', 'apiKey'], 'string'],
    ['RERANKER_MODEL', ['reranker', 'model'], 'string'],
    ['RERANKER_CEILING', ['reranker', 'ceiling'], 'string'],
    ['RERANKER_DEPTH', ['reranker', 'depth'], 'number'],
    ['RERANKER_TIMEOUT_MS', ['reranker', 'timeoutMs'], 'number'],
    ['PASSERELLE_PSEUDONYM_SECRET', ['bot', 'pseudonymSecret'], 'string'],
    ['PASSERELLE_RATE_LIMIT_PER_MINUTE', ['bot', 'rateLimitPerMinute'], 'number'],
    ['PASSERELLE_ABSTAIN_BELOW', ['bot', 'abstainBelow'], 'number'],
    ['DATABASE_URL', ['state', 'databaseUrl'], 'string'],
    ['PASSERELLE_STATE', ['state', 'kind'], 'string'],
    ['REDIS_URL', ['queue', 'redisUrl'], 'string'],
    ['PASSERELLE_ADMIN_PORT', ['announcements', 'adminPort'], 'number'],
    ['PASSERELLE_ADMIN_TOKEN', ['announcements', 'adminToken'], 'string'],
    ['PASSERELLE_ADMIN_HOST', ['announcements', 'adminHost'], 'string'],
    ['PASSERELLE_CONSOLE_URL', ['console', 'publicUrl'], 'string'],
    ['PASSERELLE_CONSOLE_SESSION_MINUTES', ['console', 'sessionMinutes'], 'number'],
    ['PASSERELLE_CONSOLE_IDLE_MINUTES', ['console', 'idleMinutes'], 'number'],
    ...['proconnect', 'entra'].flatMap((provider) => {
        const prefix = provider.toUpperCase();
        return [
            [`${prefix}_ISSUER`, ['console', provider, 'issuer'], 'string'],
            [`${prefix}_CLIENT_ID`, ['console', provider, 'clientId'], 'string'],
            [`${prefix}_CLIENT_SECRET`, ['console', provider, 'clientSecret'], 'string'],
            [`${prefix}_SCOPES`, ['console', provider, 'scopes'], 'list'],
            [`${prefix}_ADMINS`, ['console', provider, 'admins'], 'list'],
            [`${prefix}_CURATORS`, ['console', provider, 'curators'], 'list'],
            [`${prefix}_READERS`, ['console', provider, 'readers'], 'list'],
        ];
    }),
    ['ANNOUNCE_TEAMS_PER_SECOND', ['announcements', 'teamsPerSecond'], 'number'],
    ['ANNOUNCE_MATRIX_PER_SECOND', ['announcements', 'matrixPerSecond'], 'number'],
    ['PASSERELLE_QUEUE_PREFIX', ['queue', 'prefix'], 'string'],
    ['PASSERELLE_WORKER_CONCURRENCY', ['queue', 'workerConcurrency'], 'number'],
    ['PASSERELLE_MAX_JOBS_PER_USER', ['queue', 'maxJobsPerUser'], 'number'],
    ['PASSERELLE_JOB_TIMEOUT_MS', ['queue', 'jobTimeoutMs'], 'number'],
    ['PASSERELLE_QUIZ_LENGTH', ['learning', 'quizLength'], 'number'],
    ['PASSERELLE_REPORT_MIN_GROUP', ['learning', 'minGroupSize'], 'number'],
    ['PASSERELLE_ALLOW', ['access', 'allow'], 'list'],
    ['PASSERELLE_ADMINS', ['access', 'admins'], 'list'],
    ['PASSERELLE_ADMIN_GROUPS', ['access', 'adminGroups'], 'list'],
    ['TEAMS_ENABLED', ['teams', 'enabled'], 'boolean'],
    ['TEAMS_PORT', ['teams', 'port'], 'number'],
    ['TEAMS_APP_ID', ['teams', 'appId'], 'string'],
    ['TEAMS_APP_PASSWORD', ['teams', 'appPassword'], 'string'],
    ['TEAMS_CERTIFICATE_THUMBPRINT', ['teams', 'certificateThumbprint'], 'string'],
    ['TEAMS_CERTIFICATE_KEY_FILE', ['teams', 'certificateKeyFile'], 'string'],
    ['TEAMS_TENANT_ID', ['teams', 'tenantId'], 'string'],
    ['TEAMS_ALLOWED_TENANTS', ['teams', 'allowedTenants'], 'list'],
    ['PASSERELLE_METRICS', ['observability', 'metrics'], 'boolean'],
    ['PASSERELLE_METRICS_TOKEN', ['observability', 'metricsToken'], 'string'],
    ['PASSERELLE_WORKER_METRICS_PORT', ['observability', 'workerMetricsPort'], 'number'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', ['observability', 'otlpEndpoint'], 'string'],
    ['OTEL_SERVICE_NAME', ['observability', 'serviceName'], 'string'],
    ['PASSERELLE_TRACE_SAMPLE_RATIO', ['observability', 'traceSampleRatio'], 'number'],
    ['MATRIX_ENABLED', ['matrix', 'enabled'], 'boolean'],
    ['MATRIX_HOMESERVER_URL', ['matrix', 'homeserverUrl'], 'string'],
    ['MATRIX_USER_ID', ['matrix', 'userId'], 'string'],
    ['MATRIX_PASSWORD', ['matrix', 'password'], 'string'],
    ['MATRIX_ACCESS_TOKEN', ['matrix', 'accessToken'], 'string'],
    ['MATRIX_DEVICE_ID', ['matrix', 'deviceId'], 'string'],
    ['MATRIX_ALLOWED_INVITERS', ['matrix', 'allowedInviters'], 'list'],
    ['MATRIX_ALLOWED_SERVERS', ['matrix', 'allowedServers'], 'list'],
    ['MATRIX_REQUESTS_PER_SECOND', ['matrix', 'requestsPerSecond'], 'number'],
];
const SECRET_KEYS = /(api[-_]?key|password|secret|token|databaseUrl|redisUrl|accessToken|appPassword|keyFile|adminToken|clientSecret)$/i;
export function loadConfig(options = {}) {
    const env = options.env ?? process.env;
    const problems = [];
    const raw = { rootDir: PROJECT_ROOT };
    const catalogueFile = env.PASSERELLE_KNOWLEDGE_BASES ? resolve(env.PASSERELLE_KNOWLEDGE_BASES) : DEFAULT_CATALOGUE;
    const catalogue = readStructuredFile(catalogueFile, problems);
    if (catalogue)
        raw.knowledgeBases = resolveSourcePaths(catalogue.knowledgeBases, dirname(catalogueFile) === resolve(PROJECT_ROOT, 'config') ? PROJECT_ROOT : dirname(catalogueFile));
    if (env.PASSERELLE_CONFIG) {
        const file = resolve(env.PASSERELLE_CONFIG);
        const fromFile = readStructuredFile(file, problems);
        if (fromFile) {
            if (fromFile.knowledgeBases)
                fromFile.knowledgeBases = resolveSourcePaths(fromFile.knowledgeBases, dirname(file));
            deepMerge(raw, fromFile);
        }
    }
    for (const [name, path, type] of ENVIRONMENT_MAP) {
        const value = env[name];
        if (value === undefined || value === '')
            continue;
        setPath(raw, path, convert(value, type));
    }
    if (env.QDRANT_URL && !env.PASSERELLE_VECTOR_STORE)
        setPath(raw, ['vectorStore', 'kind'], 'qdrant');
    if (env.DATABASE_URL && !env.PASSERELLE_STATE)
        setPath(raw, ['state', 'kind'], 'postgres');
    // Entra ID by tenant: its v2.0 issuer.
    if (env.ENTRA_TENANT_ID && !env.ENTRA_ISSUER)
        setPath(raw, ['console', 'entra', 'issuer'], `${(env.ENTRA_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${env.ENTRA_TENANT_ID}/v2.0`);
    for (const key of ['embeddings', 'chatModel']) {
        const endpoint = (raw[key] ?? {});
        if (endpoint.provider === 'mistral' && !endpoint.apiKey && env.MISTRAL_API_KEY)
            endpoint.apiKey = env.MISTRAL_API_KEY;
    }
    if (!raw.environment && env.NODE_ENV && ['development', 'production', 'test'].includes(env.NODE_ENV))
        raw.environment = env.NODE_ENV;
    if (options.overrides)
        deepMerge(raw, options.overrides);
    // Sovereignty: LangChain would send every prompt to LangSmith (a US cloud) when tracing is on.
    for (const name of ['LANGSMITH_TRACING', 'LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING']) {
        if (env[name] && /^(1|true)$/i.test(env[name] ?? ''))
            problems.push(`${name} doit rester désactivé : le traçage LangSmith enverrait les échanges hors de l’infrastructure`);
    }
    const parsed = ConfigSchema.safeParse(raw);
    if (!parsed.success) {
        for (const issue of parsed.error.issues)
            problems.push(`${issue.path.join('.') || '(racine)'} : ${issue.message}`);
        // zod skips cross-field checks while fields are invalid: run them on what is valid, so every problem is reported at once.
        for (const issue of crossFieldIssues(raw)) {
            const problem = `${issue.path.join('.')} : ${issue.message}`;
            if (!problems.some((known) => known.startsWith(`${issue.path.join('.')} :`)))
                problems.push(problem);
        }
    }
    if (problems.length > 0 || !parsed.success) {
        throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
    }
    const config = parsed.data;
    config.dataDir = resolve(config.dataDir);
    return deepFreeze(config);
}
function convert(value, type) {
    if (type === 'number')
        return Number(value);
    if (type === 'boolean')
        return /^(1|true|yes|oui)$/i.test(value) ? true : /^(0|false|no|non)$/i.test(value) ? false : value;
    if (type === 'list')
        return value.split(',').map((item) => item.trim()).filter(Boolean);
    return value;
}
/** A copy fit for printing: every secret replaced by "***". */
export function redactConfig(value) {
    if (Array.isArray(value))
        return value.map(redactConfig);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.test(key) && inner ? '***' : redactConfig(inner)]));
    }
    return value;
}
function readStructuredFile(file, problems) {
    if (!existsSync(file)) {
        problems.push(`fichier de configuration introuvable : ${file}`);
        return undefined;
    }
    try {
        const parsed = parse(readFileSync(file, 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            return parsed;
        problems.push(`${file} : un objet est attendu à la racine`);
    }
    catch (error) {
        problems.push(`${file} : illisible (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    return undefined;
}
function resolveSourcePaths(bases, baseDir) {
    if (!Array.isArray(bases))
        return bases;
    const absolute = (path) => (typeof path === 'string' && !isAbsolute(path) ? resolve(baseDir, path) : path);
    return bases.map((kb) => ({
        ...kb,
        ...(kb.examples ? { examples: absolute(kb.examples) } : {}),
        sources: Array.isArray(kb.sources) ? kb.sources.map((source) => ({ ...source, path: absolute(source.path) })) : kb.sources,
    }));
}
function setPath(target, path, value) {
    let node = target;
    for (const key of path.slice(0, -1)) {
        if (!node[key] || typeof node[key] !== 'object')
            node[key] = {};
        node = node[key];
    }
    node[path[path.length - 1]] = value;
}
function deepMerge(target, source) {
    for (const [key, value] of Object.entries(source)) {
        const existing = target[key];
        if (value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)) {
            deepMerge(existing, value);
        }
        else {
            target[key] = value;
        }
    }
}
function deepFreeze(value) {
    if (value && typeof value === 'object') {
        for (const inner of Object.values(value))
            deepFreeze(inner);
        Object.freeze(value);
    }
    return value;
}
