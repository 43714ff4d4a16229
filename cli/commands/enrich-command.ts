import { readFile, writeFile } from 'node:fs/promises';
import { PasserelleError } from '../../bots/errors.ts';
import { EnrichmentDraftSchema, textHash, type EnrichmentEntry } from '../../knowledge/enrichment/enrichment.ts';
import { Enricher } from '../../knowledge/enrichment/enricher.ts';
import type { EnrichmentSource } from '../../knowledge/enrichment/enrichment.ts';
import type { EnrichmentStore } from '../../knowledge/enrichment/enrichment-store.ts';
import type { CliContext } from '../cli-context.ts';
import { parseCommandArgs, positiveInteger, UsageError, type Command } from './command.ts';

/**
 * `passerelle enrich` — the agents' wording of a base's documents (see knowledge/enrichment/README.md):
 * - `--kb <id> [--limit N] [--force]`: the chat model writes the missing entries (drafts), on the workers when
 *   Redis is configured (the command follows the job), else in this process; changed documents are re-indexed;
 * - `--list [--status brouillon|approuve] [--json]`, `--export <file.jsonl>`: what was written after shipping;
 * - `--import <file.jsonl>`: entries edited by a curator (`{id, subject, questions, terms}`; approved, written for
 *   the document's current text);
 * - `--approve <id…>` / `--reject <id…>`: a curator approves or deletes machine drafts.
 */
export const enrichCommand: Command = {
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      kb: { type: 'string' },
      limit: { type: 'string' },
      force: { type: 'boolean' },
      list: { type: 'boolean' },
      status: { type: 'string' },
      json: { type: 'boolean' },
      export: { type: 'string' },
      import: { type: 'string' },
      approve: { type: 'boolean' },
      reject: { type: 'boolean' },
    });
    if (!values.kb) throw new UsageError('précisez --kb <id>');
    const actions = [values.list, values.export, values.import, values.approve, values.reject].filter(Boolean).length;
    if (actions > 1) throw new UsageError('une seule action à la fois : --list, --export, --import, --approve ou --reject');
    const status = values.status === undefined ? undefined : ({ brouillon: 'draft', approuve: 'approved', 'approuvé': 'approved' } as const)[values.status as 'brouillon'];
    if (values.status !== undefined && !status) throw new UsageError('--status attend brouillon ou approuve');
    if ((values.approve || values.reject) && positionals.length === 0) throw new UsageError('précisez les identifiants des documents');
    if (!values.approve && !values.reject && positionals.length > 0) throw new UsageError(`argument inattendu « ${positionals[0]} »`);

    const knowledge = await context.knowledge();
    const kb = knowledge.catalog.get(values.kb).id;
    const lookup = knowledge.enrichment?.lookup;
    const store = knowledge.enrichment?.store;
    if (!lookup || !store) throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement est désactivé (PASSERELLE_ENRICHMENT=off)' });
    const enrichment = { lookup, store };
    const enricher = new Enricher(knowledge.store, store, lookup, knowledge.encoder, knowledge.embedding, {
      embedderCeiling: context.config.embeddings.ceiling,
      timeoutMs: context.config.chatModel.timeoutMs,
    });

    if (values.list || values.export) {
      const entries = await enrichment.store.list(kb, status ? { status } : {});
      if (values.export) {
        await writeFile(values.export, entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length > 0 ? '\n' : ''));
        context.out(`${entries.length} entrée(s) exportée(s) vers ${values.export}.\n`);
      } else if (values.json) context.out(`${JSON.stringify(entries)}\n`);
      else {
        for (const entry of entries) context.out(`${entry.id}  [${describe(entry)}]  ${entry.subject}\n`);
        context.out(`${entries.length} entrée(s).\n`);
      }
      return 0;
    }
    if (values.import) return importEntries(values.import, kb, store, enricher, context);
    if (values.approve || values.reject) {
      const changed: string[] = [];
      for (const id of positionals) {
        const entry = await enrichment.store.get(kb, id);
        if (!entry) {
          context.err(`Aucune entrée pour « ${id} » dans la base ${kb}.\n`);
          continue;
        }
        if (values.reject) await enrichment.store.remove(kb, id);
        else await enrichment.store.put(kb, { ...entry, status: 'approved', updated_at: new Date().toISOString() });
        changed.push(id);
      }
      const reindexed = await enricher.reindex(kb, changed);
      context.out(`${changed.length} entrée(s) ${values.reject ? 'supprimée(s)' : 'approuvée(s)'} ; ${reindexed} document(s) réindexé(s).\n`);
      return changed.length === positionals.length ? 0 : 1;
    }
    return generate(kb, values.force ?? false, values.limit === undefined ? undefined : positiveInteger(values.limit, 1, '--limit'), enrichment, enricher, context);
  },
};

function describe(entry: EnrichmentEntry): string {
  const origin = { team: 'équipe', curator: 'curateur', model: `machine${entry.model ? ` ${entry.model}` : ''}` }[entry.origin];
  return `${origin}, ${entry.status === 'draft' ? 'brouillon' : 'approuvé'}`;
}

/** Through the enrichment queue: on the workers with Redis, in this process otherwise; follows the job to its end. */
async function generate(kb: string, force: boolean, limit: number | undefined, enrichment: { lookup: EnrichmentSource; store: EnrichmentStore }, enricher: Enricher, context: CliContext): Promise<number> {
  const { createQueues } = await import('../../app/create-queues.ts');
  const { startEnrichmentConsumer } = await import('../../app/work-consumer.ts');
  const { createChatModel } = await import('../../knowledge/models/langchain-chat-model.ts');
  const model = createChatModel(context.config.chatModel);
  if (!model && !context.config.queue.redisUrl) {
    throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement automatique demande un modèle de langage (CHAT_MODEL_PROVIDER, CHAT_MODEL_NAME…)' });
  }
  const before = await enrichment.store.list(kb, { origin: 'model' });
  const queues = createQueues(context.config, context.logger);
  try {
    if (!queues.enrichment.durable) startEnrichmentConsumer(context.config, await context.knowledge(), model, queues, context.logger);
    const { id } = await queues.enrichment.add({ kind: 'enrich', kb, force, ...(limit ? { limit } : {}) }, { jobId: `enrich:${kb}:${Date.now()}`, attempts: 1 });
    context.out(`Enrichissement de la base ${kb} ${queues.enrichment.durable ? 'confié aux workers' : 'en cours'} (tâche ${id})…\n`);
    let shown = -1;
    for (;;) {
      const job = await queues.enrichment.get(id);
      if (!job || job.state === 'failed' || job.state === 'cancelled') {
        // The queue keeps the error's message, « CODE: text »: the text is what the curator reads.
        context.err(`L’enrichissement a échoué. ${job?.failedReason?.replace(/^[A-Z_]+: /, '') ?? 'Tâche introuvable.'}\n`);
        return 1;
      }
      if (job.progress !== shown && job.progress > 0) {
        shown = job.progress;
        context.out(`  ${shown} %\n`);
      }
      if (job.state === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await queues.close();
  }
  const after = await enrichment.store.list(kb, { origin: 'model' });
  const previous = new Map(before.map((entry) => [entry.id, entry.updated_at]));
  const written = after.filter((entry) => previous.get(entry.id) !== entry.updated_at).length;
  const documents = await enricher.documents(kb);
  let covered = 0;
  for (const document of documents) if (await enrichment.lookup.lookup(kb, document.documentId, textHash(document.text))) covered++;
  context.out(`${written} entrée(s) écrite(s) par le modèle (brouillons à relire) ; ${covered} document(s) sur ${documents.length} ont désormais une formulation d’agents.\n`);
  return 0;
}

/** Curators' entries: each must name a document of the base; it is written for the document's current text. */
async function importEntries(file: string, kb: string, store: EnrichmentStore, enricher: Enricher, context: CliContext): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PasserelleError('EVAL_FILE_INVALID', { file, reason: 'fichier introuvable ou illisible' }, { cause: error });
  }
  const documents = new Map((await enricher.documents(kb)).map((document) => [document.documentId, document]));
  const imported: string[] = [];
  let rejected = 0;
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let value: { id?: unknown };
    try {
      value = JSON.parse(line) as { id?: unknown };
    } catch {
      context.err(`Ligne ${index + 1} ignorée : JSON invalide.\n`);
      rejected++;
      continue;
    }
    const draft = EnrichmentDraftSchema.safeParse(value);
    const document = typeof value.id === 'string' ? documents.get(value.id) : undefined;
    if (!draft.success || !document) {
      context.err(`Ligne ${index + 1} ignorée : ${!document ? `document « ${String(value.id)} » absent de la base ${kb}` : 'attendu {id, subject, questions, terms}'}.\n`);
      rejected++;
      continue;
    }
    await store.put(kb, {
      id: document.documentId,
      text_sha256: textHash(document.text),
      ...draft.data,
      origin: 'curator',
      status: 'approved',
      updated_at: new Date().toISOString(),
    });
    imported.push(document.documentId);
  }
  const reindexed = await enricher.reindex(kb, imported);
  context.out(`${imported.length} entrée(s) de curateur importée(s) ; ${reindexed} document(s) réindexé(s)${rejected > 0 ? ` ; ${rejected} ligne(s) ignorée(s)` : ''}.\n`);
  return rejected > 0 && imported.length === 0 ? 1 : 0;
}
