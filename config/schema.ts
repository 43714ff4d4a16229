import { z } from 'zod';
import { CLASSIFICATIONS } from '../knowledge/types.ts';

// Validation messages reach administrators: in French, like every other message.
z.config(z.locales.fr());

/**
 * The one configuration schema. Built from defaults, an optional file (PASSERELLE_CONFIG) and environment
 * variables, validated once at start by load-config.ts, then frozen and injected.
 */

export const ClassificationSchema = z.enum(CLASSIFICATIONS);

/** The pseudonymisation secret of development setups, refused in production. */
const DEVELOPMENT_SECRET = 'passerelle-development-secret';

const SourceSchema = z.object({
  /** File or folder, relative to the project root (catalogue) or to the config file. */
  path: z.string().min(1),
  /** Label given to documents of this source that carry none of their own. */
  classification: ClassificationSchema.default('interne'),
  /** Skip silently when the path does not exist (e.g. ../shared absent on a fresh machine). */
  optional: z.boolean().default(false),
});

export const KnowledgeBaseSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'identifiant en minuscules (a-z, 0-9, -)'),
  /** French name shown to agents. */
  name: z.string().min(1),
  /** French description; the offline router and the LLM router read it. */
  description: z.string().min(1),
  keywords: z.array(z.string()).default([]),
  /** Words that force this base when typed first ("code: …", "/code …"). */
  prefixes: z.array(z.string().min(1)).default([]),
  /** Highest classification accepted at ingestion. */
  classificationCeiling: ClassificationSchema.default('diffusion-restreinte'),
  /** Who may query the base: user-id glob patterns ("*", "@*:agent.douane.tchap.gouv.fr", "*@douane.finances.gouv.fr"). */
  access: z.object({ allow: z.array(z.string()).default(['*']) }).default({ allow: ['*'] }),
  sources: z.array(SourceSchema).default([]),
  /** Codes held by the base (exact names as in the sources), for "résume le titre XII du code des douanes". */
  codes: z.array(z.string()).default([]),
  /** Folder ingested instead of `sources` when none of them exists. */
  examples: z.string().optional(),
});

/** A listening interface: an IPv4 or IPv6 address (0.0.0.0 / :: for every interface) or a host name, no scheme or port. */
const HostSchema = z
  .string()
  .min(1)
  .max(253)
  .refine((value) => z.ipv4().safeParse(value).success || z.ipv6().safeParse(value).success || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value), {
    message: 'adresse IP ou nom d’hôte attendu, sans schéma ni port (par exemple 127.0.0.1 ou 0.0.0.0)',
  });

const ModelEndpointSchema = z.object({
  provider: z.enum(['none', 'mistral', 'openai-compatible']).default('none'),
  /** Base URL: https://api.mistral.ai for Mistral; for OpenAI-compatible servers the URL ending in /v1. */
  url: z.string().url().optional(),
  apiKey: z.string().optional(),
  model: z.string().optional(),
  /** Highest classification of text this endpoint is cleared to receive. */
  ceiling: ClassificationSchema.default('public'),
  /** Per-request time limit, ms. */
  timeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(5).default(2),
});

/**
 * An OpenID Connect provider of the console (ProConnect, Microsoft Entra ID). Roles come from the ID token's
 * (and, where the provider sends them there, the userinfo's) claims: each entry is `claim=pattern` (glob with
 * `*`, case-insensitive; a claim holding a list matches when one of its values does), or a bare pattern
 * matched against the provider's default claim (ProConnect: `email`; Entra ID: `groups`, then `roles`).
 */
const OidcProviderSchema = z.object({
  /** The issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: z.string().url(),
  clientId: z.string().min(1),
  clientSecret: z.string().optional(),
  /** Scopes asked for (default: openid email profile, plus the provider's own). */
  scopes: z.array(z.string()).optional(),
  /** Who gets which role; the highest matching role wins. */
  admins: z.array(z.string()).default([]),
  curators: z.array(z.string()).default([]),
  readers: z.array(z.string()).default([]),
});

export const ConfigSchema = z
  .object({
    environment: z.enum(['development', 'production', 'test']).default('development'),
    /** Where the embedded store, state and crypto files live. */
    dataDir: z.string().min(1).default('./data'),
    /** Project root: relative catalogue paths resolve against it. */
    rootDir: z.string().min(1),
    /** PASSERELLE_LOG_LEVEL; unset: `info` for the long-running commands (serve, worker), `warn` for the others. */
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
    knowledgeBases: z.array(KnowledgeBaseSchema).min(1),
    vectorStore: z
      .object({
        kind: z.enum(['embedded', 'qdrant']).default('embedded'),
        qdrant: z
          .object({
            url: z.string().url().optional(),
            apiKey: z.string().optional(),
            collectionPrefix: z.string().default('passerelle_'),
          })
          .default({ collectionPrefix: 'passerelle_' }),
      })
      .default({ kind: 'embedded', qdrant: { collectionPrefix: 'passerelle_' } }),
    embeddings: ModelEndpointSchema.extend({
      /** Inputs per request (the provider's limit may be lower: Mistral accepts large batches, TEI 32). */
      batchSize: z.number().int().positive().max(2048).default(64),
      /** While the service does not answer (search is lexical), delay between two probes, ms. */
      reprobeMs: z.number().int().positive().default(30_000),
    }).default({ provider: 'none', ceiling: 'public', timeoutMs: 30_000, maxRetries: 2, batchSize: 64, reprobeMs: 30_000 }),
    chatModel: ModelEndpointSchema.default({ provider: 'none', ceiling: 'public', timeoutMs: 30_000, maxRetries: 2 }),
    /** Cross-encoder re-ranking of the first candidates (TEI, Albert or Cohere-compatible `/rerank`). */
    reranker: z
      .object({
        provider: z.enum(['none', 'tei', 'albert', 'cohere']).default('none'),
        /** Base URL: TEI's root; for albert and cohere the URL ending in /v1. */
        url: z.string().url().optional(),
        apiKey: z.string().optional(),
        model: z.string().default('reranker'),
        /** Highest classification of passages this service is cleared to receive; others keep their lexical rank. */
        ceiling: ClassificationSchema.default('public'),
        /** How many of the first candidates are re-ranked. */
        depth: z.number().int().min(2).max(100).default(20),
        timeoutMs: z.number().int().positive().default(5_000),
      })
      .default({ provider: 'none', model: 'reranker', ceiling: 'public', depth: 20, timeoutMs: 5_000 }),
    /** The Légifrance API on PISTE, for `passerelle sync legifrance` (OAuth2 client credentials). */
    legifrance: z
      .object({
        /** API root (production: https://api.piste.gouv.fr/dila/legifrance/lf-engine-app). */
        url: z.string().url().default('https://api.piste.gouv.fr/dila/legifrance/lf-engine-app'),
        /** OAuth2 token endpoint (production: https://oauth.piste.gouv.fr/api/oauth/token). */
        tokenUrl: z.string().url().default('https://oauth.piste.gouv.fr/api/oauth/token'),
        clientId: z.string().optional(),
        clientSecret: z.string().optional(),
        timeoutMs: z.number().int().positive().default(30_000),
        /** Retries of one call answered 429 (quota) or 5xx, waiting Retry-After (capped at 60 s). */
        maxRetries: z.number().int().min(0).max(10).default(3),
      })
      .default({ url: 'https://api.piste.gouv.fr/dila/legifrance/lf-engine-app', tokenUrl: 'https://oauth.piste.gouv.fr/api/oauth/token', timeoutMs: 30_000, maxRetries: 3 }),
    /**
     * Following the official sources on a schedule: each entry is a repeatable queued job (bull on Redis, run by
     * `passerelle worker`; without Redis, the in-process queue of `passerelle serve`), one run at a time, retried
     * later when it fails, its report stored, shown in the console and sent to the curators' conversations.
     */
    sync: z
      .object({
        /** DILA's LEGI open-data directory, for `sync legi --url` without a value and for schedules of source legi. */
        legiUrl: z.string().url().default('https://echanges.dila.gouv.fr/OPENDATA/LEGI/'),
        /** Largest LEGI archive downloaded, bytes (the full dump is about 1.2 GB compressed). */
        maxArchiveBytes: z.number().int().positive().default(4 * 1024 ** 3),
        /** Time limit of the directory listing, and of an archive's first bytes, ms. */
        downloadTimeoutMs: z.number().int().positive().default(60_000),
        schedules: z
          .array(
            z
              .object({
                /** Stable name of the schedule (the job's id); default `<source>-<bases>`. */
                name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lettres minuscules, chiffres et tirets').optional(),
                source: z.enum(['legi', 'legifrance']),
                bases: z.array(z.string().min(1)).min(1),
                /** legi: folder of archives (read as they are), or… */
                dir: z.string().optional(),
                /** …the directory the archives are downloaded from (`true`: `sync.legiUrl`). */
                url: z.union([z.string().url(), z.literal(true)]).optional(),
                /** Daily at this time (HH:MM, Europe/Paris), or… */
                at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure attendue au format HH:MM').optional(),
                /** …every this many minutes (fractions accepted: 0.5 is every 30 s). */
                everyMinutes: z.number().min(0.01).max(7 * 24 * 60).optional(),
              })
              .refine((schedule) => (schedule.at === undefined) !== (schedule.everyMinutes === undefined), { message: 'indiquez soit at (HH:MM), soit everyMinutes' })
              .refine((schedule) => schedule.source !== 'legi' || schedule.dir !== undefined || schedule.url !== undefined, { message: 'une synchronisation legi demande dir (dossier d’archives) ou url' }),
          )
          .default([]),
        /**
         * Conversations told of each scheduled run (the curators' rooms or chats): conversation keys as stored when
         * the bot was reached there, e.g. `matrix:!salon:serveur` or `teams:<conversation id>`.
         */
        notify: z.array(z.string().min(1)).default([]),
        /** Attempts of a failed run, the first included; retries wait `retryMinutes`, doubled each time. */
        attempts: z.number().int().min(1).max(10).default(3),
        retryMinutes: z.number().positive().default(30),
      })
      .default({ legiUrl: 'https://echanges.dila.gouv.fr/OPENDATA/LEGI/', maxArchiveBytes: 4 * 1024 ** 3, downloadTimeoutMs: 60_000, schedules: [], notify: [], attempts: 3, retryMinutes: 30 }),
    retrieval: z
      .object({
        /** Longest question accepted, characters. */
        maxQueryLength: z.number().int().positive().default(4_000),
        /** Candidates fetched from the store before re-ranking. */
        candidates: z.number().int().positive().max(500).default(60),
        /** Default date for "in force" filtering: "today" or an ISO date; "none" disables it. */
        inForceAt: z.string().default('today'),
        /**
         * Agents' wording indexed with the documents: "all" (team, curators' and machine-written entries),
         * "approved" (machine drafts left out until a curator approves them) or "off".
         */
        enrichment: z.enum(['all', 'approved', 'off']).default('all'),
        /**
         * Query rewriting before retrieval: "model" asks the configured chat model to restate the agent's words in
         * the code's terms (one model call per question), "off" does not.
         */
        rewrite: z.enum(['off', 'model']).default('off'),
      })
      .default({ maxQueryLength: 4_000, candidates: 60, inForceAt: 'today', enrichment: 'all', rewrite: 'off' }),
    access: z
      .object({
        /** Who may use the bot: user-id glob patterns ("*", "@*:agent.douane.tchap.gouv.fr", "*@douane.finances.gouv.fr"). */
        allow: z.array(z.string()).default(['*']),
        /** Groups (Teams/Entra group ids, Matrix room ids) whose members may use the bot, besides `allow`. */
        allowGroups: z.array(z.string()).default([]),
        /** Administrators: user-id glob patterns. */
        admins: z.array(z.string()).default([]),
        adminGroups: z.array(z.string()).default([]),
      })
      .default({ allow: ['*'], allowGroups: [], admins: [], adminGroups: [] }),
    bot: z
      .object({
        /** Questions per user per minute. */
        rateLimitPerMinute: z.number().int().positive().default(12),
        /** Longest message accepted, characters. */
        maxMessageChars: z.number().int().positive().default(4_000),
        /** Turns of conversation memory used for follow-ups. */
        memoryTurns: z.number().int().min(0).max(50).default(6),
        /** Memory expires after this much inactivity, minutes. */
        memoryTtlMinutes: z.number().int().positive().default(30),
        /** Answer cache lifetime, minutes (0 disables the cache). */
        answerCacheTtlMinutes: z.number().int().min(0).default(24 * 60),
        /**
         * Below this confidence (the calibrated probability that the answer cites a relevant article, 0–1) the bot
         * abstains. Default: the threshold recorded with the calibrated model (knowledge/answering/confidence-model.json).
         */
        abstainBelow: z.number().min(0).max(1).optional(),
        /** When the second base's routing score is within this margin of the first, both are searched. */
        routingMargin: z.number().min(0).max(1).default(0.12),
        /** Audit-log retention, days. */
        auditRetentionDays: z.number().int().positive().default(365),
        /** Energy estimate, watt-hours per 1,000 tokens (input + output). */
        energyWhPer1kTokens: z.number().min(0).default(0.3),
        /** Secret for pseudonymising user ids in the audit log (HMAC-SHA256). */
        pseudonymSecret: z.string().min(8).default(DEVELOPMENT_SECRET),
        /** Time limit for one model call, ms (streaming included). */
        answerTimeoutMs: z.number().int().positive().default(60_000),
        /**
         * Passages flagged at ingestion as instruction-like (prompt injection suspected): `withhold` keeps them out
         * of the model's context (default), `send` sends them as data like any other passage.
         */
        instructionLikePassages: z.enum(['withhold', 'send']).default('withhold'),
        /** Model wait, ms, after which every channel shows « Je rédige la réponse… ». */
        progressAfterMs: z.number().int().min(0).default(2_000),
        /**
         * Passages classified above this label have their personal data (names, NIR, phones…) replaced by
         * placeholders before they reach the model (restored in what the agent reads). Default `public`: the
         * codes go as they are, internal documents are redacted.
         */
        redactPassagesAbove: ClassificationSchema.default('public'),
      })
      .default({
        rateLimitPerMinute: 12, maxMessageChars: 4_000, memoryTurns: 6, memoryTtlMinutes: 30, answerCacheTtlMinutes: 1440,
        routingMargin: 0.12, auditRetentionDays: 365, energyWhPer1kTokens: 0.3,
        pseudonymSecret: DEVELOPMENT_SECRET, answerTimeoutMs: 60_000, instructionLikePassages: 'withhold', progressAfterMs: 2_000,
        redactPassagesAbove: 'public',
      }),
    teams: z
      .object({
        enabled: z.boolean().default(false),
        /** Port of POST /api/messages and GET /healthz. */
        port: z.number().int().min(0).max(65_535).default(3978),
        /**
         * Interface of the endpoint. Default: 127.0.0.1 in anonymous local mode (it authenticates nothing), every
         * interface with credentials; 0.0.0.0 in a container that publishes the port.
         */
        host: HostSchema.optional(),
        /** Entra app registration (single tenant). Without it the endpoint runs anonymous, refused in production. */
        appId: z.string().optional(),
        appPassword: z.string().optional(),
        /** Certificate credentials instead of a secret: thumbprint and PEM private key file. */
        certificateThumbprint: z.string().optional(),
        certificateKeyFile: z.string().optional(),
        tenantId: z.string().optional(),
        /** Tenants whose activities are accepted (empty: only `tenantId`, or any in anonymous local mode). */
        allowedTenants: z.array(z.string()).default([]),
        botName: z.string().default('Passerelle'),
        /** Microsoft Graph endpoints (overridable for tests and national clouds). */
        graphUrl: z.string().url().default('https://graph.microsoft.com'),
        authorityHost: z.string().url().default('https://login.microsoftonline.com'),
      })
      .default({ enabled: false, port: 3978, allowedTenants: [], botName: 'Passerelle', graphUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' }),
    matrix: z
      .object({
        enabled: z.boolean().default(false),
        homeserverUrl: z.string().url().optional(),
        /** Full Matrix id of the bot, e.g. @passerelle:agent.douane.tchap.gouv.fr. */
        userId: z.string().optional(),
        password: z.string().optional(),
        /** Existing session (Tchap's authentication service / ProConnect): token and device id. */
        accessToken: z.string().optional(),
        deviceId: z.string().optional(),
        /**
         * The account's recovery key (the `matrix/recovery-key.json` written at the first start, or the key
         * itself), used when `matrix/` holds no recovery key: a new device then restores cross-signing and the
         * key backup from secret storage (as `passerelle matrix restore` does).
         */
        recoveryKeyFile: z.string().optional(),
        /** Who may invite the bot: user-id glob patterns and/or homeserver names; with allowedServers, both must match. */
        allowedInviters: z.array(z.string()).default([]),
        allowedServers: z.array(z.string()).default([]),
        /** Outgoing requests per second (Tchap's bot guidance: about 1). */
        requestsPerSecond: z.number().positive().default(1),
        displayName: z.string().default('Passerelle'),
      })
      .default({ enabled: false, allowedInviters: [], allowedServers: [], requestsPerSecond: 1, displayName: 'Passerelle' }),
    announcements: z
      .object({
        /** Admin HTTP API (POST /admin/announcements, GET /admin/announcements/:id); disabled without a token. */
        adminPort: z.number().int().min(0).max(65_535).default(8088),
        /** Interface of the admin listener (API and console); loopback by default, behind a TLS reverse proxy otherwise. */
        adminHost: HostSchema.default('127.0.0.1'),
        adminToken: z.string().min(24, 'au moins 24 caractères').optional(),
        /** Teams sends per second for the whole tenant (Teams allows 50 requests/s per app per tenant). */
        teamsPerSecond: z.number().positive().max(50).default(40),
        /** Tchap sends per second (its bot guidance asks for about 1). */
        matrixPerSecond: z.number().positive().default(1),
        /** Largest announcement, characters. */
        maxChars: z.number().int().positive().default(20_000),
        /**
         * Tchap announcement rooms (« salons d'annonce »): one read-only room per service, kept by the bot from
         * this membership list (YAML `service: [ids]` or CSV `service;@id:serveur`), at start and on `annonce salons`.
         */
        roomsFile: z.string().min(1).optional(),
        /** A Tchap audience larger than this goes through the announcement rooms its members are in, not direct chats. */
        roomsAbove: z.number().int().min(0).default(200),
        /** How often the membership list is looked at (seconds): the rooms are brought up to date when it changed. */
        roomsCheckSeconds: z.number().int().min(1).default(300),
      })
      .default({ adminPort: 8088, adminHost: '127.0.0.1', teamsPerSecond: 40, matrixPerSecond: 1, maxChars: 20_000, roomsAbove: 200, roomsCheckSeconds: 300 }),
    /** The web console (`/console` on the admin listener): sign-in providers and sessions. */
    console: z
      .object({
        /** The address users reach the console at (redirect URIs); default http://<adminHost>:<adminPort>. */
        publicUrl: z.string().url().optional(),
        /** A session ends this long after sign-in, minutes. */
        sessionMinutes: z.number().int().positive().max(24 * 60).default(480),
        /** …or after this long without a request, minutes. */
        idleMinutes: z.number().int().positive().max(24 * 60).default(30),
        proconnect: OidcProviderSchema.optional(),
        entra: OidcProviderSchema.optional(),
      })
      .default({ sessionMinutes: 480, idleMinutes: 30 }),
    queue: z
      .object({
        /** redis://… : bull queues (durable). Absent: in-process queue (not durable). */
        redisUrl: z.string().optional(),
        prefix: z.string().default('passerelle'),
        workerConcurrency: z.number().int().positive().max(64).default(2),
        maxJobsPerUser: z.number().int().positive().default(2),
        /** Largest document accepted for a summary, bytes. */
        maxDocumentBytes: z.number().int().positive().default(50 * 1024 * 1024),
        /** Per-attempt time limit of a job, ms. */
        jobTimeoutMs: z.number().int().positive().default(30 * 60_000),
        attempts: z.number().int().min(1).max(10).default(3),
        /** First retry delay, ms (doubles each retry). */
        backoffMs: z.number().int().positive().default(5_000),
        /** The same request on the same document within this window is the same job, minutes. */
        dedupeWindowMinutes: z.number().int().positive().default(60),
        lockDurationMs: z.number().int().positive().default(30_000),
        stalledIntervalMs: z.number().int().positive().default(15_000),
      })
      .default({
        prefix: 'passerelle', workerConcurrency: 2, maxJobsPerUser: 2, maxDocumentBytes: 50 * 1024 * 1024, jobTimeoutMs: 30 * 60_000,
        attempts: 3, backoffMs: 5_000, dedupeWindowMinutes: 60, lockDurationMs: 30_000, stalledIntervalMs: 15_000,
      }),
    state: z
      .object({
        kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
        /** postgres://… when kind is postgres. */
        databaseUrl: z.string().optional(),
      })
      .default({ kind: 'sqlite' }),
    learning: z
      .object({
        /** Questions per quiz. */
        quizLength: z.number().int().min(1).max(20).default(5),
        /** A quiz or the training waits this long for the next answer, minutes; then messages are ordinary again. */
        sessionMinutes: z.number().int().positive().max(24 * 60).default(60),
        /**
         * Services, for the AI-literacy coverage report (EU AI Act art. 4): each agent counts in the first service
         * whose user-id patterns or groups (Teams/Entra group ids) match; the others in « non renseigné ».
         */
        services: z
          .array(z.object({ name: z.string().trim().min(1).max(120), users: z.array(z.string()).default([]), groups: z.array(z.string()).default([]) }))
          .default([]),
        /** Aggregate figures for administrators hide groups of fewer agents than this (anonymity). */
        minGroupSize: z.number().int().min(2).default(5),
        /** Period the administrators' report covers, days. */
        reportDays: z.number().int().positive().default(365),
      })
      .default({ quizLength: 5, sessionMinutes: 60, services: [], minGroupSize: 5, reportDays: 365 }),
    /** Metrics (Prometheus), traces (OpenTelemetry) and the request id in logs. */
    observability: z
      .object({
        /** Starts the admin listener for /metrics and /healthz even without an admin token or a console provider. */
        metrics: z.boolean().default(false),
        /** Bearer token Prometheus must present on /metrics (absent: open, like /healthz; keep the listener internal). */
        metricsToken: z.string().min(16, 'au moins 16 caractères').optional(),
        /** `passerelle worker`: port of its own /metrics and /healthz listener (absent: none). */
        workerMetricsPort: z.number().int().min(0).max(65_535).optional(),
        /** OTLP/HTTP endpoint of a collector (e.g. http://otel-collector:4318): traces are exported to `<endpoint>/v1/traces`. */
        otlpEndpoint: z.string().url().optional(),
        /** Extra headers of the OTLP export, `name=value` pairs (authentication of a hosted collector). */
        otlpHeaders: z.record(z.string(), z.string()).default({}),
        /** `service.name` of the traces. */
        serviceName: z.string().min(1).default('passerelle'),
        /** Share of requests traced, 0–1. */
        traceSampleRatio: z.number().min(0).max(1).default(1),
      })
      .default({ metrics: false, otlpHeaders: {}, serviceName: 'passerelle', traceSampleRatio: 1 }),
    ingestion: z
      .object({
        /** Largest file accepted, bytes. */
        maxFileBytes: z.number().int().positive().default(50 * 1024 * 1024),
        /** Target chunk size, characters. */
        maxChunkChars: z.number().int().min(300).default(2_000),
      })
      .default({ maxFileBytes: 50 * 1024 * 1024, maxChunkChars: 2_000 }),
  })
  .superRefine((config, context) => {
    for (const issue of crossFieldIssues(config)) context.addIssue({ code: 'custom', ...issue });
  });


/**
 * The rules between fields, written once. They read the configuration defensively (`get`), so that
 * load-config.ts also runs them on the raw values when some field is invalid (zod skips refinements then):
 * every problem is reported at once. Absent values count as their defaults.
 */
export function crossFieldIssues(config: unknown): Array<{ path: Array<string | number>; message: string }> {
  const get = (...path: Array<string | number>): unknown => path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined), config);
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const add = (path: Array<string | number>, message: string) => issues.push({ path, message });
  const bases = get('knowledgeBases');
  const ids = new Set<unknown>();
  if (Array.isArray(bases)) {
    bases.forEach((kb: unknown, index) => {
      const id = (kb as { id?: unknown } | null)?.id;
      if (id !== undefined && ids.has(id)) add(['knowledgeBases', index, 'id'], `base « ${String(id)} » en double`);
      ids.add(id);
    });
  }
  const schedules = get('sync', 'schedules');
  if (Array.isArray(schedules)) {
    const names = new Set<string>();
    schedules.forEach((schedule: unknown, index) => {
      const entry = (schedule ?? {}) as { bases?: unknown; name?: unknown; source?: unknown };
      for (const kb of Array.isArray(entry.bases) ? entry.bases : []) {
        if (!ids.has(kb)) add(['sync', 'schedules', index, 'bases'], `base « ${String(kb)} » absente du catalogue`);
      }
      const name = syncScheduleName(entry);
      if (names.has(name)) add(['sync', 'schedules', index, 'name'], `synchronisation « ${name} » en double : donnez-lui un nom (name)`);
      names.add(name);
    });
  }
  const production = get('environment') === 'production';
  if (get('matrix', 'enabled') === true) {
    if (!get('matrix', 'homeserverUrl')) add(['matrix', 'homeserverUrl'], 'MATRIX_HOMESERVER_URL est requis');
    if (!get('matrix', 'userId')) add(['matrix', 'userId'], 'MATRIX_USER_ID est requis');
    if (!get('matrix', 'password') && !get('matrix', 'accessToken')) add(['matrix', 'password'], 'MATRIX_PASSWORD ou MATRIX_ACCESS_TOKEN est requis');
  }
  if (get('teams', 'enabled') === true && production && !get('teams', 'appId')) {
    add(['teams', 'appId'], 'en production, TEAMS_APP_ID et un secret ou un certificat sont requis (pas de mode anonyme)');
  }
  if (get('state', 'kind') === 'postgres' && !get('state', 'databaseUrl')) add(['state', 'databaseUrl'], 'DATABASE_URL est requis quand l’état est dans PostgreSQL');
  if (production && (get('bot', 'pseudonymSecret') ?? DEVELOPMENT_SECRET) === DEVELOPMENT_SECRET) add(['bot', 'pseudonymSecret'], 'PASSERELLE_PSEUDONYM_SECRET est requis en production');
  if (production && (get('console', 'proconnect') || get('console', 'entra')) && !/^https:/.test(String(get('console', 'publicUrl') ?? ''))) {
    add(['console', 'publicUrl'], 'en production, PASSERELLE_CONSOLE_URL (https://…) est requis pour la connexion par ProConnect ou Entra ID');
  }
  if (get('vectorStore', 'kind') === 'qdrant' && !get('vectorStore', 'qdrant', 'url')) add(['vectorStore', 'qdrant', 'url'], 'QDRANT_URL est requis quand le stockage est qdrant');
  const reranker = get('reranker', 'provider');
  if (reranker !== undefined && reranker !== 'none' && !get('reranker', 'url')) add(['reranker', 'url'], 'RERANKER_URL est requis quand un service de reclassement est configuré');
  const chatProvider = get('chatModel', 'provider') ?? 'none';
  if (get('retrieval', 'rewrite') === 'model' && chatProvider === 'none') add(['retrieval', 'rewrite'], 'la reformulation des questions demande un modèle de langage (CHAT_MODEL_PROVIDER)');
  for (const key of ['embeddings', 'chatModel'] as const) {
    const provider = get(key, 'provider');
    if (provider !== 'mistral' && provider !== 'openai-compatible') continue;
    if (!get(key, 'model')) add([key, 'model'], 'modèle requis');
    if (provider === 'openai-compatible' && !get(key, 'url')) add([key, 'url'], 'URL requise pour un point d’accès compatible OpenAI');
    if (provider === 'mistral' && !get(key, 'apiKey') && !get(key, 'url')) add([key, 'apiKey'], 'clé API Mistral requise');
  }
  return issues;
}

/** The name of a sync schedule: its own, else `<source>-<bases>`. */
export function syncScheduleName(schedule: { name?: unknown; source?: unknown; bases?: unknown }): string {
  if (typeof schedule.name === 'string') return schedule.name;
  return [String(schedule.source ?? ''), ...(Array.isArray(schedule.bases) ? schedule.bases.map(String) : [])].join('-').toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

export type Config = z.infer<typeof ConfigSchema>;
export type SyncSchedule = Config['sync']['schedules'][number];
export type KnowledgeBaseConfig = z.infer<typeof KnowledgeBaseSchema>;
export type ModelEndpointConfig = z.infer<typeof ModelEndpointSchema>;
