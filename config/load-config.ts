import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PasserelleError } from '../bots/errors.ts';
import { ConfigSchema, crossFieldIssues, type Config } from './schema.ts';

/**
 * Builds the configuration once: defaults < config file (PASSERELLE_CONFIG, YAML or JSON) < environment.
 * Every problem is reported at once in one CONFIG_INVALID error; the result is deeply frozen. This is the
 * only module that reads `process.env`.
 */

/** The project's root, from the sources (config/) or from the compiled code (dist/config/, `npm run build`). */
export const PROJECT_ROOT = projectRoot(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
const DEFAULT_CATALOGUE = resolve(PROJECT_ROOT, 'config/knowledge-bases.yaml');

type Raw = Record<string, unknown>;

/** The NODE_ENV values read as the environment, exactly as written. */
const KNOWN_NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;

/** Environment variable → config path. Values are strings; numbers are converted before validation. */
const ENVIRONMENT_MAP: Array<[string, string[], 'string' | 'number' | 'boolean' | 'list']> = [
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
  ['EMBEDDINGS_REPROBE_MS', ['embeddings', 'reprobeMs'], 'number'],
  ['CHAT_MODEL_PROVIDER', ['chatModel', 'provider'], 'string'],
  ['CHAT_MODEL_URL', ['chatModel', 'url'], 'string'],
  ['CHAT_MODEL_API_KEY', ['chatModel', 'apiKey'], 'string'],
  ['CHAT_MODEL_NAME', ['chatModel', 'model'], 'string'],
  ['CHAT_MODEL_CEILING', ['chatModel', 'ceiling'], 'string'],
  ['CHAT_MODEL_TIMEOUT_MS', ['chatModel', 'timeoutMs'], 'number'],
  ['PASSERELLE_MAX_FILE_BYTES', ['ingestion', 'maxFileBytes'], 'number'],
  ['PASSERELLE_ENRICHMENT', ['retrieval', 'enrichment'], 'string'],
  ['PASSERELLE_QUERY_REWRITE', ['retrieval', 'rewrite'], 'string'],
  ['LEGIFRANCE_URL', ['legifrance', 'url'], 'string'],
  ['LEGIFRANCE_TOKEN_URL', ['legifrance', 'tokenUrl'], 'string'],
  ['LEGIFRANCE_CLIENT_ID', ['legifrance', 'clientId'], 'string'],
  ['LEGIFRANCE_CLIENT_SECRET', ['legifrance', 'clientSecret'], 'string'],
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
  ['PASSERELLE_INSTRUCTION_LIKE_PASSAGES', ['bot', 'instructionLikePassages'], 'string'],
  ['PASSERELLE_REDACT_PASSAGES_ABOVE', ['bot', 'redactPassagesAbove'], 'string'],
  ['PASSERELLE_PROGRESS_AFTER_MS', ['bot', 'progressAfterMs'], 'number'],
  ['DATABASE_URL', ['state', 'databaseUrl'], 'string'],
  ['PASSERELLE_STATE', ['state', 'kind'], 'string'],
  ['REDIS_URL', ['queue', 'redisUrl'], 'string'],
  ['PASSERELLE_ADMIN_PORT', ['announcements', 'adminPort'], 'number'],
  ['PASSERELLE_ADMIN_TOKEN', ['announcements', 'adminToken'], 'string'],
  ['PASSERELLE_ADMIN_HOST', ['announcements', 'adminHost'], 'string'],
  ['PASSERELLE_CONSOLE_URL', ['console', 'publicUrl'], 'string'],
  ['PASSERELLE_CONSOLE_SESSION_MINUTES', ['console', 'sessionMinutes'], 'number'],
  ['PASSERELLE_CONSOLE_IDLE_MINUTES', ['console', 'idleMinutes'], 'number'],
  ...(['proconnect', 'entra'] as const).flatMap((provider): Array<[string, string[], 'string' | 'list']> => {
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
  ['ANNOUNCE_ROOMS_FILE', ['announcements', 'roomsFile'], 'string'],
  ['ANNOUNCE_ROOMS_ABOVE', ['announcements', 'roomsAbove'], 'number'],
  ['ANNOUNCE_ROOMS_CHECK_SECONDS', ['announcements', 'roomsCheckSeconds'], 'number'],
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
  ['TEAMS_HOST', ['teams', 'host'], 'string'],
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
  ['MATRIX_RECOVERY_KEY_FILE', ['matrix', 'recoveryKeyFile'], 'string'],
  ['MATRIX_ALLOWED_INVITERS', ['matrix', 'allowedInviters'], 'list'],
  ['MATRIX_ALLOWED_SERVERS', ['matrix', 'allowedServers'], 'list'],
  ['MATRIX_REQUESTS_PER_SECOND', ['matrix', 'requestsPerSecond'], 'number'],
];

/** Every environment variable the configuration reads (deployment files are checked against it). */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  'PASSERELLE_CONFIG', 'PASSERELLE_KNOWLEDGE_BASES', 'ENTRA_TENANT_ID', 'ENTRA_AUTHORITY_HOST',
  ...ENVIRONMENT_MAP.map(([name]) => name),
];

const SECRET_KEYS = /(api[-_]?key|password|secret|token|databaseUrl|redisUrl|accessToken|appPassword|keyFile|adminToken|clientSecret)$/i;

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Values applied last (tests, CLI flags). */
  overrides?: Raw;
}

export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const raw: Raw = { rootDir: PROJECT_ROOT };

  const catalogueFile = env.PASSERELLE_KNOWLEDGE_BASES ? resolve(env.PASSERELLE_KNOWLEDGE_BASES) : DEFAULT_CATALOGUE;
  const catalogue = readStructuredFile(catalogueFile, problems);
  if (catalogue) raw.knowledgeBases = resolveSourcePaths(catalogue.knowledgeBases, dirname(catalogueFile) === resolve(PROJECT_ROOT, 'config') ? PROJECT_ROOT : dirname(catalogueFile));

  if (env.PASSERELLE_CONFIG) {
    const file = resolve(env.PASSERELLE_CONFIG);
    const fromFile = readStructuredFile(file, problems);
    if (fromFile) {
      if (fromFile.knowledgeBases) fromFile.knowledgeBases = resolveSourcePaths(fromFile.knowledgeBases, dirname(file));
      deepMerge(raw, fromFile);
    }
  }

  const setByEnvironment = new Map<string, string>();
  for (const [name, path, type] of ENVIRONMENT_MAP) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, convert(value, type));
    setByEnvironment.set(path.join('.'), name);
  }
  if (env.QDRANT_URL && !env.PASSERELLE_VECTOR_STORE) setPath(raw, ['vectorStore', 'kind'], 'qdrant');
  if (env.DATABASE_URL && !env.PASSERELLE_STATE) setPath(raw, ['state', 'kind'], 'postgres');
  // Entra ID by tenant: its v2.0 issuer.
  if (env.ENTRA_TENANT_ID && !env.ENTRA_ISSUER) setPath(raw, ['console', 'entra', 'issuer'], `${(env.ENTRA_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${env.ENTRA_TENANT_ID}/v2.0`);
  for (const key of ['embeddings', 'chatModel']) {
    const endpoint = (raw[key] ?? {}) as Raw;
    if (endpoint.provider === 'mistral' && !endpoint.apiKey && env.MISTRAL_API_KEY) endpoint.apiKey = env.MISTRAL_API_KEY;
  }
  // NODE_ENV decides only when nothing else did; a value it does not know exactly ("PRODUCTION", "prod") is refused
  // rather than silently read as development (which would open the anonymous Teams endpoint).
  if (!raw.environment && env.NODE_ENV) {
    if ((KNOWN_NODE_ENVIRONMENTS as readonly string[]).includes(env.NODE_ENV)) raw.environment = env.NODE_ENV;
    else problems.push(`NODE_ENV : valeur « ${env.NODE_ENV.slice(0, 40)} » inconnue ; valeurs reconnues (en minuscules) : development, test ou production — ou définissez PASSERELLE_ENV`);
  }
  if (options.overrides) deepMerge(raw, options.overrides);
  // Sovereignty: LangChain would send every prompt to LangSmith (a US cloud) when tracing is on.
  for (const name of ['LANGSMITH_TRACING', 'LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING']) {
    if (env[name] && /^(1|true)$/i.test(env[name] ?? '')) problems.push(`${name} doit rester désactivé : le traçage LangSmith enverrait les échanges hors de l’infrastructure`);
  }

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const describe = (issue: { path: PropertyKey[]; message: string }) => describeIssue(issue, env, setByEnvironment, env.PASSERELLE_CONFIG);
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      problems.push(describe(issue));
      reported.add(issue.path.map(String).join('.'));
    }
    // zod skips cross-field checks while fields are invalid: run them on what is valid, so every problem is reported at once.
    for (const issue of crossFieldIssues(raw)) {
      if (!reported.has(issue.path.map(String).join('.'))) problems.push(describe(issue));
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
  }
  const config = parsed.data;
  config.dataDir = resolve(config.dataDir);
  return deepFreeze(config);
}

function projectRoot(parent: string): string {
  return basename(parent) === 'dist' && existsSync(resolve(parent, '..', 'package.json')) ? resolve(parent, '..') : parent;
}

const ENVIRONMENT_NAMES = new Map(ENVIRONMENT_MAP.map(([name, path]) => [path.join('.'), name]));

/**
 * One problem in the user's words: named by the environment variable the user set (with the value typed,
 * unless it is a secret), or by the variable that would set it; by its path in the configuration file when
 * the file set it.
 */
function describeIssue(issue: { path: PropertyKey[]; message: string }, env: Record<string, string | undefined>, setByEnvironment: Map<string, string>, file: string | undefined): string {
  const path = issue.path.map(String).join('.');
  const name = setByEnvironment.get(path);
  if (name !== undefined) {
    const value = env[name] ?? '';
    const secret = SECRET_KEYS.test(issue.path.map(String).at(-1) ?? '');
    const shown = secret ? '' : ` (« ${value.length > 60 ? `${value.slice(0, 60)}…` : value} »)`;
    const numeric = ENVIRONMENT_MAP.find(([candidate]) => candidate === name)?.[2] === 'number' && Number.isNaN(Number(value));
    return `${name}${shown} : ${numeric ? 'un nombre est attendu' : readable(issue.message)}`;
  }
  const variable = ENVIRONMENT_NAMES.get(path);
  if (variable !== undefined && file === undefined) return issue.message.startsWith(variable) ? issue.message : `${variable} : ${readable(issue.message)}`;
  if (file !== undefined && path) return `${path} (fichier ${file}) : ${readable(issue.message)}`;
  return `${path || '(racine)'} : ${readable(issue.message)}`;
}

/** zod's « Option invalide : une valeur parmi "a"|"b" attendue » → « valeurs possibles : a, b ». */
function readable(message: string): string {
  const choices = /^Option invalide : une valeur parmi (.+) attendue$/.exec(message);
  return choices ? `valeurs possibles : ${(choices[1] ?? '').split('|').map((choice) => choice.replace(/^"|"$/g, '')).join(', ')}` : message;
}

function convert(value: string, type: 'string' | 'number' | 'boolean' | 'list'): unknown {
  if (type === 'number') return Number(value);
  if (type === 'boolean') return /^(1|true|yes|oui)$/i.test(value) ? true : /^(0|false|no|non)$/i.test(value) ? false : value;
  if (type === 'list') return value.split(',').map((item) => item.trim()).filter(Boolean);
  return value;
}

/** A copy fit for printing: every secret replaced by "***". */
export function redactConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.test(key) && inner ? '***' : redactConfig(inner)]),
    );
  }
  return value;
}

function readStructuredFile(file: string, problems: string[]): Raw | undefined {
  if (!existsSync(file)) {
    problems.push(`fichier de configuration introuvable : ${file}`);
    return undefined;
  }
  try {
    const parsed: unknown = parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Raw;
    problems.push(`${file} : un objet est attendu à la racine`);
  } catch (error) {
    problems.push(`${file} : illisible (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  return undefined;
}

function resolveSourcePaths(bases: unknown, baseDir: string): unknown {
  if (!Array.isArray(bases)) return bases;
  const absolute = (path: unknown) => (typeof path === 'string' && !isAbsolute(path) ? resolve(baseDir, path) : path);
  return bases.map((kb: Raw) => ({
    ...kb,
    ...(kb.examples ? { examples: absolute(kb.examples) } : {}),
    sources: Array.isArray(kb.sources) ? kb.sources.map((source: Raw) => ({ ...source, path: absolute(source.path) })) : kb.sources,
  }));
}

function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1] as string] = value;
}

function deepMerge(target: Raw, source: Raw): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)) {
      deepMerge(existing as Raw, value as Raw);
    } else {
      target[key] = value;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
