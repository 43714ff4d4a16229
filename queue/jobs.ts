import { z } from 'zod';

/**
 * Typed payloads of every queued job, in one module. Payloads are validated when taken from the queue
 * (a malformed one fails permanently instead of crashing the worker).
 */

/**
 * The request a job belongs to: its id (in every log line of the worker too) and the W3C trace context
 * (the worker's spans join the request's trace). Set when the job is added; absent in older payloads.
 */
export const TraceContext = z.object({ requestId: z.string().max(64).optional(), traceparent: z.string().max(128).optional() });

const Address = z.object({ key: z.string().min(1), reference: z.unknown() });
const Requester = z.object({
  channel: z.enum(['teams', 'matrix', 'local']),
  userId: z.string().min(1),
  userHash: z.string().min(1),
});
export const SummaryLength = z.enum(['court', 'detaille']);
export type SummaryLength = z.infer<typeof SummaryLength>;

const Common = {
  trace: TraceContext.optional(),
  requester: Requester,
  address: Address,
  /** Bot message to update with progress, when the channel supports edits. */
  progressMessageId: z.string().optional(),
  length: SummaryLength.default('court'),
};

/** A document the bot process downloaded into the shared uploads folder. */
export const SummariseDocumentJob = z.object({
  kind: z.literal('summarise-document'),
  ...Common,
  file: z.object({ path: z.string().min(1), name: z.string().min(1), size: z.number().int().nonnegative(), sha256: z.string().min(1) }),
});

/** Messages of a thread or room, collected by the process that owns the channel connection. */
export const SummariseConversationJob = z.object({
  kind: z.literal('summarise-conversation'),
  ...Common,
  messages: z.array(z.object({ sender: z.string(), text: z.string(), at: z.string() })).min(1),
});

/** A part of a code: a title/chapter ("titre XII") or a range of articles ("60 à 67 bis"). */
export const SummariseCodeJob = z.object({
  kind: z.literal('summarise-code'),
  ...Common,
  kb: z.string().min(1),
  code: z.string().min(1),
  part: z.discriminatedUnion('type', [
    z.object({ type: z.literal('heading'), label: z.string().min(1) }),
    z.object({ type: z.literal('articles'), from: z.string().min(1), to: z.string().min(1) }),
  ]),
});

export const WorkJob = z.discriminatedUnion('kind', [SummariseDocumentJob, SummariseConversationJob, SummariseCodeJob]);
export type WorkJob = z.infer<typeof WorkJob>;
export type WorkJobInput = z.input<typeof WorkJob>;

/** What the worker hands back to the bot process, which owns the channel connections. */
export const DeliveryJob = z.object({
  trace: TraceContext.optional(),
  /** `send` a new message, or `update` the progress message. */
  action: z.enum(['send', 'update']),
  address: Address,
  channel: z.enum(['teams', 'matrix', 'local']),
  messageId: z.string().optional(),
  reply: z.object({
    kind: z.enum(['answer', 'notice', 'error', 'progress']),
    text: z.string(),
    citations: z.array(z.object({ index: z.number(), id: z.string(), kb: z.string(), title: z.string(), context: z.string().optional(), url: z.string().optional(), abstract: z.string() })),
    suggestedActions: z.array(z.string()),
    aiGenerated: z.boolean(),
    feedback: z.boolean(),
    inReplyToRequest: z.boolean().optional(),
  }),
  /** Job the delivery belongs to (for exactly-once bookkeeping). */
  jobId: z.string(),
  /**
   * Order of the edits of one message (progress 0–3, then FINAL_EDIT): an edit older than one already
   * shown is skipped, so a slow channel cannot leave « 0 % » over « terminée ».
   */
  sequence: z.number().int().nonnegative().optional(),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

/** Sequence of the last edit of a progress message. */
export const FINAL_EDIT = 100;

export const WORK_QUEUE = 'passerelle-work';
/** Enrichment runs (`passerelle enrich`): no chat to answer, the command follows the job's progress. */
export const ENRICH_QUEUE = 'passerelle-enrichment';

/** Writing agents' wording for the documents of a base that have none for their current text. */
export const EnrichJob = z.object({
  trace: TraceContext.optional(),
  kind: z.literal('enrich'),
  kb: z.string().min(1),
  force: z.boolean().default(false),
  limit: z.number().int().positive().optional(),
});
export type EnrichJob = z.infer<typeof EnrichJob>;
export type EnrichJobInput = z.input<typeof EnrichJob>;
export const DELIVERY_QUEUE = 'passerelle-deliveries';

/** Scheduled synchronisations with the official sources (`sync.schedules`), one run at a time. */
export const SYNC_QUEUE = 'passerelle-sync';

/** A run of the schedule named: the schedule itself (source, bases, folder or URL) is read from the configuration. */
export const SyncJob = z.object({
  trace: TraceContext.optional(),
  kind: z.literal('sync'),
  schedule: z.string().min(1),
});
export type SyncJob = z.infer<typeof SyncJob>;
