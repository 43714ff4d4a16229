/**
 * The dependency rules of Passerelle, checked by `npm run lint` (so by CI): who may import whom. The
 * layers are described in docs/architecture.md. A rule broken here is a design question, not a style one:
 * move the code to where it runs, or pass what it needs through a port.
 */

/** Leaf modules any layer may import: the error catalogue, the logger. */
const LEAVES = '^bots/(errors|logger)[.]ts$';
/** The channel port and what crosses it (types and the core's limiter and retry policy, used by every adapter). */
const CHANNEL_PORT = '^bots/(channel-adapter|inbound-event|message|reply|errors|logger)[.]ts$|^bots/outbound/(rate-limiter|retry-policy)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the load order and the layers unreadable.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-channel-agnostic',
      severity: 'error',
      comment: 'The core (bots/) imports no channel SDK, no database or queue driver, no model client: those are behind ports.',
      from: { path: '^bots/' },
      to: { path: 'node_modules/(botbuilder|botframework-|matrix-js-sdk|@langchain/|pg/|bull/|ioredis/|@qdrant/)' },
    },
    {
      name: 'core-does-not-reach-out',
      severity: 'error',
      comment: 'The core never imports an adapter, the composition root, the CLI or the worker process; nor the stores\' implementations.',
      from: { path: '^bots/' },
      to: { path: '^(adapters|app|cli|worker)/|^state/(sqlite|postgres)|^state/(announcement|curation)-store-|^queue/(bull|in-process)' },
    },
    {
      name: 'adapters-only-see-the-port',
      severity: 'error',
      comment: 'Adapters see the channel port, never the bot, the pipeline or the state store: they report through InboundSink.',
      from: { path: '^adapters/(teams|matrix|local)/' },
      to: { path: '^(bots|state|queue|worker|app|cli|knowledge)/', pathNot: CHANNEL_PORT },
    },
    {
      name: 'admin-api-sees-the-announcement-service',
      severity: 'error',
      comment: 'The admin HTTP adapter drives the announcement service (and reads its records); nothing else of the core.',
      from: { path: '^adapters/admin-http/' },
      to: {
        path: '^(bots|state|queue|worker|app|cli|knowledge)/',
        pathNot: `${CHANNEL_PORT}|^bots/announcements/(announcement-service|report-csv|messages)[.]ts$|^state/announcement-store[.]ts$`,
      },
    },
    {
      name: 'console-drives-the-core-services',
      severity: 'error',
      comment: 'The web console drives the core\'s services (curation, console, announcements) through ConsoleServices; no store implementation, no knowledge internals.',
      from: { path: '^adapters/console/' },
      to: {
        path: '^(bots|state|queue|worker|app|cli|knowledge)/',
        pathNot: `${CHANNEL_PORT}|^bots/(curation|console)/|^bots/announcements/(announcement-service|report-csv|messages)[.]ts$|^state/(announcement-store|curation-store|state-store)[.]ts$|^knowledge/(types|catalog)[.]ts$|^knowledge/enrichment/enrichment[.]ts$`,
      },
    },
    {
      name: 'sdk-stays-in-its-adapter',
      severity: 'error',
      comment: 'botbuilder lives in adapters/teams, matrix-js-sdk in adapters/matrix.',
      from: { pathNot: '^adapters/teams/' },
      to: { path: 'node_modules/(botbuilder|botframework-)' },
    },
    {
      name: 'matrix-sdk-stays-in-its-adapter',
      severity: 'error',
      from: { pathNot: '^adapters/matrix/' },
      to: { path: 'node_modules/matrix-js-sdk/' },
    },
    {
      name: 'pg-stays-in-state',
      severity: 'error',
      comment: 'The PostgreSQL driver only behind the state and announcement store ports.',
      from: { pathNot: '^state/' },
      to: { path: 'node_modules/pg/' },
    },
    {
      name: 'redis-stays-in-queue',
      severity: 'error',
      comment: 'bull and ioredis only behind the queue port.',
      from: { pathNot: '^queue/' },
      to: { path: 'node_modules/(bull|ioredis)/' },
    },
    {
      name: 'langchain-stays-in-the-chat-model',
      severity: 'error',
      from: { pathNot: '^knowledge/models/' },
      to: { path: 'node_modules/@langchain/' },
    },
    {
      name: 'qdrant-client-stays-in-its-store',
      severity: 'error',
      from: { pathNot: '^knowledge/stores/qdrant/' },
      to: { path: 'node_modules/@qdrant/' },
    },
    {
      name: 'knowledge-is-below-the-core',
      severity: 'error',
      comment: 'knowledge/ (retrieval, answering, stores) knows nothing of bots, channels, queues or processes.',
      from: { path: '^knowledge/' },
      to: { path: '^(bots|adapters|app|cli|worker|state|queue)/', pathNot: LEAVES },
    },
    {
      name: 'worker-runs-without-the-bot',
      severity: 'error',
      comment: 'worker/ runs in `passerelle worker`: no channel, no state store, no composition; results leave through the deliveries queue.',
      from: { path: '^worker/' },
      to: { path: '^(adapters|app|cli|state)/|^bots/', pathNot: `${LEAVES}|^bots/(reply|user-messages)[.]ts$` },
    },
    {
      name: 'queue-and-state-are-leaves',
      severity: 'error',
      comment: 'queue/ and state/ implement ports: they import only the leaves (and the types and ports of what they store).',
      from: { path: '^(queue|state)/' },
      to: { path: '^(bots|adapters|app|cli|worker|knowledge)/', pathNot: `${LEAVES}|^bots/message[.]ts$|^knowledge/enrichment/enrichment(-store)?[.]ts$|^knowledge/versions/concordance-store[.]ts$` },
    },
    {
      name: 'config-is-a-leaf',
      severity: 'error',
      from: { path: '^config/' },
      to: { path: '^(bots|adapters|app|cli|worker|state|queue|knowledge)/', pathNot: `${LEAVES}|^knowledge/types[.]ts$` },
    },
    {
      name: 'composition-in-one-place',
      severity: 'error',
      comment: 'Only the CLI starts the application; nothing else imports the composition root (app/).',
      from: { path: '^(bots|adapters|knowledge|worker|state|queue|config)/' },
      to: { path: '^app/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
