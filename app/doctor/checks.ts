import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { DELIVERY_QUEUE, ENRICH_QUEUE, WORK_QUEUE } from '../../queue/jobs.ts';

/** One line of the diagnosis. `failure` makes `passerelle doctor` exit 1; `warning` does not. */
export interface CheckOutcome {
  status: 'ok' | 'warning' | 'failure' | 'skipped';
  /** What was found, in French. */
  detail: string;
  /** What to do about it, in French (warnings and failures). */
  fix?: string;
}

export interface Check {
  /** French name of what is checked ("Redis", "Modèle de langage"…). */
  label: string;
  run(timeoutMs: number): Promise<CheckOutcome>;
  /** The fix shown when `run` throws (the cause is described by describe-failure.ts). */
  fixOnError: string;
}

const ok = (detail: string): CheckOutcome => ({ status: 'ok', detail });
const skipped = (detail: string): CheckOutcome => ({ status: 'skipped', detail });
const warning = (detail: string, fix: string): CheckOutcome => ({ status: 'warning', detail, fix });
const failure = (detail: string, fix: string): CheckOutcome => ({ status: 'failure', detail, fix });

/** Every check a configuration calls for, in the order an operator fixes things: files, stores, queues, models, channels. */
export function checksFor(config: Readonly<Config>): Check[] {
  return [
    configurationCheck(config),
    dataDirCheck(config),
    vectorStoreCheck(config),
    stateStoreCheck(config),
    queueCheck(config),
    chatModelCheck(config),
    embeddingsCheck(config),
    matrixCheck(config),
    teamsCheck(config),
    ...identityProviderChecks(config),
  ];
}

function configurationCheck(config: Readonly<Config>): Check {
  return {
    label: 'Configuration',
    fixOnError: 'corrigez la configuration',
    async run() {
      const channels = [config.teams.enabled ? 'Teams' : '', config.matrix.enabled ? 'Tchap' : ''].filter(Boolean);
      const detail = `valide (environnement ${config.environment}, ${config.knowledgeBases.length} base(s) : ${config.knowledgeBases.map((kb) => kb.id).join(', ')})`;
      if (channels.length === 0) return warning(`${detail} ; aucun canal activé`, '`passerelle serve` refusera de démarrer : activez TEAMS_ENABLED=true et/ou MATRIX_ENABLED=true');
      if (!config.announcements.adminToken && !config.console.proconnect && !config.console.entra) {
        return warning(`${detail} ; canaux : ${channels.join(', ')} ; console et API d’administration désactivées`, 'définissez PASSERELLE_ADMIN_TOKEN (24 caractères au moins) ou un fournisseur d’identité (PROCONNECT_*, ENTRA_*) pour la console et /metrics');
      }
      return ok(`${detail} ; canaux : ${channels.join(', ')}`);
    },
  };
}

function dataDirCheck(config: Readonly<Config>): Check {
  return {
    label: 'Dossier de données',
    fixOnError: `créez ${config.dataDir} et donnez-le en écriture à l’utilisateur du service (PASSERELLE_DATA_DIR)`,
    async run() {
      const dir = config.dataDir;
      if (!existsSync(dir)) return failure(`${dir} n’existe pas`, `créez-le (mkdir -p ${dir}) ou lancez « passerelle ingest --all », qui le crée`);
      if (!statSync(dir).isDirectory()) return failure(`${dir} n’est pas un dossier`, 'PASSERELLE_DATA_DIR doit désigner un dossier');
      try {
        accessSync(dir, constants.R_OK | constants.W_OK);
      } catch {
        return failure(`${dir} n’est pas accessible en écriture`, `donnez le dossier à l’utilisateur du service (chown) ou changez PASSERELLE_DATA_DIR`);
      }
      return ok(`${dir} accessible en écriture`);
    },
  };
}

function vectorStoreCheck(config: Readonly<Config>): Check {
  const qdrant = config.vectorStore.kind === 'qdrant';
  return {
    label: qdrant ? 'Qdrant' : 'Stockage documentaire intégré',
    fixOnError: qdrant ? 'vérifiez QDRANT_URL (avec le port, 6333 par défaut), QDRANT_API_KEY et que Qdrant est démarré' : 'vérifiez le fichier knowledge.sqlite du dossier de données (droits, disque plein)',
    async run(timeoutMs) {
      if (!qdrant && !existsSync(join(config.dataDir, 'knowledge.sqlite'))) {
        return warning('aucune base n’a encore été alimentée', 'lancez « passerelle ingest --all »');
      }
      const { createStore } = await import('../../knowledge/create-knowledge.ts');
      const store = qdrant
        ? new (await import('../../knowledge/stores/qdrant/qdrant-store.ts')).QdrantStore({ url: config.vectorStore.qdrant.url as string, collectionPrefix: config.vectorStore.qdrant.collectionPrefix, timeoutMs, ...(config.vectorStore.qdrant.apiKey ? { apiKey: config.vectorStore.qdrant.apiKey } : {}) })
        : createStore(config);
      try {
        const counts: string[] = [];
        const empty: string[] = [];
        for (const kb of config.knowledgeBases) {
          const count = await store.count(kb.id);
          counts.push(`${kb.id} ${count}`);
          if (count === 0) empty.push(kb.id);
        }
        const detail = `${qdrant ? `${config.vectorStore.qdrant.url} joignable ; ` : ''}passages par base : ${counts.join(', ')}`;
        if (empty.length > 0) return warning(detail, `alimentez ${empty.length > 1 ? 'les bases' : 'la base'} ${empty.join(', ')} : « passerelle ingest --kb ${empty[0]} »`);
        return ok(detail);
      } finally {
        await store.close();
      }
    },
  };
}

function stateStoreCheck(config: Readonly<Config>): Check {
  if (config.state.kind !== 'postgres') {
    return { label: 'État (SQLite)', fixOnError: '', run: async () => ok(`${join(config.dataDir, 'state.sqlite')} (processus serve d’une seule machine ; PostgreSQL pour des répliques sur plusieurs machines : DATABASE_URL)`) };
  }
  return {
    label: 'PostgreSQL',
    fixOnError: 'vérifiez DATABASE_URL (postgres://utilisateur:mot-de-passe@hôte:5432/base) et que PostgreSQL accepte les connexions de cette machine (pg_hba.conf)',
    async run(timeoutMs) {
      const { probePostgres } = await import('../../state/postgres-probe.ts');
      const facts = await probePostgres(config.state.databaseUrl as string, 'passerelle', timeoutMs);
      const detail = `version ${facts.version} ; schéma passerelle ${facts.schemaExists ? 'présent' : 'absent (créé au premier démarrage)'}`;
      if (!facts.canCreate) return failure(`${detail} ; droit CREATE manquant`, facts.schemaExists ? 'GRANT CREATE ON SCHEMA passerelle TO <rôle du service>' : 'GRANT CREATE ON DATABASE <base> TO <rôle du service>, ou créez le schéma passerelle pour ce rôle');
      return ok(detail);
    },
  };
}

function queueCheck(config: Readonly<Config>): Check {
  const url = config.queue.redisUrl;
  if (!url) return { label: 'Redis', fixOnError: '', run: async () => skipped('non configuré : file de tâches dans le processus (non durable, pas de worker séparé ; REDIS_URL pour la production)') };
  return {
    label: 'Redis',
    fixOnError: 'vérifiez REDIS_URL (redis://[:mot-de-passe@]hôte:6379) et que Redis est démarré',
    async run(timeoutMs) {
      const { probeRedis } = await import('../../queue/redis-probe.ts');
      const facts = await probeRedis(url, config.queue.prefix, [WORK_QUEUE, DELIVERY_QUEUE, ENRICH_QUEUE], timeoutMs);
      const waiting = Object.entries(facts.waiting).map(([queue, count]) => `${queue} ${count}`).join(', ');
      const detail = `version ${facts.version} ; tâches en attente : ${waiting}`;
      if (facts.evictionPolicy !== 'noeviction' && facts.evictionPolicy !== 'inconnue') {
        return warning(`${detail} ; maxmemory-policy ${facts.evictionPolicy}`, 'réglez maxmemory-policy à noeviction : sinon Redis peut effacer des tâches en attente');
      }
      return ok(detail);
    },
  };
}

function chatModelCheck(config: Readonly<Config>): Check {
  const endpoint = config.chatModel;
  if (endpoint.provider === 'none') return { label: 'Modèle de langage', fixOnError: '', run: async () => skipped('non configuré : réponses extractives (CHAT_MODEL_PROVIDER pour des réponses rédigées)') };
  return {
    label: 'Modèle de langage',
    fixOnError: 'vérifiez CHAT_MODEL_URL (se termine par /v1 pour un serveur compatible OpenAI), CHAT_MODEL_NAME et CHAT_MODEL_API_KEY',
    async run(timeoutMs) {
      const { createChatModel } = await import('../../knowledge/models/langchain-chat-model.ts');
      const model = createChatModel({ ...endpoint, maxRetries: 0, timeoutMs });
      if (!model) return skipped('non configuré');
      const completion = await model.complete([{ role: 'user', content: 'Répondez seulement « prêt ».' }], { maxTokens: 5, signal: AbortSignal.timeout(timeoutMs) });
      return ok(`${model.id} répond (modèle annoncé : ${completion.model || endpoint.model}) ; plafond de classification ${endpoint.ceiling}`);
    },
  };
}

function embeddingsCheck(config: Readonly<Config>): Check {
  const endpoint = config.embeddings;
  if (endpoint.provider === 'none') return { label: 'Vectorisation', fixOnError: '', run: async () => skipped('non configurée : recherche lexicale seule (EMBEDDINGS_PROVIDER pour la recherche hybride)') };
  return {
    label: 'Vectorisation',
    fixOnError: 'vérifiez EMBEDDINGS_URL (se termine par /v1), EMBEDDINGS_MODEL et EMBEDDINGS_API_KEY',
    async run(timeoutMs) {
      const { HttpEmbedder, MISTRAL_BASE_URL } = await import('../../knowledge/embedders/http-embedder.ts');
      const embedder = new HttpEmbedder({ baseUrl: endpoint.url ?? MISTRAL_BASE_URL, model: endpoint.model as string, ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}) });
      await embedder.probe(AbortSignal.timeout(timeoutMs));
      return ok(`${endpoint.model} répond (${embedder.dimensions} dimensions) ; plafond de classification ${endpoint.ceiling}`);
    },
  };
}

function matrixCheck(config: Readonly<Config>): Check {
  const matrix = config.matrix;
  if (!matrix.enabled) return { label: 'Tchap (Matrix)', fixOnError: '', run: async () => skipped('canal désactivé') };
  return {
    label: 'Tchap (Matrix)',
    fixOnError: matrix.accessToken
      ? 'vérifiez MATRIX_HOMESERVER_URL et MATRIX_ACCESS_TOKEN (un jeton révoqué se remplace par une nouvelle session)'
      : 'vérifiez MATRIX_HOMESERVER_URL, MATRIX_USER_ID et MATRIX_PASSWORD',
    async run(timeoutMs) {
      const { probeHomeserver } = await import('../../adapters/matrix/homeserver-probe.ts');
      const facts = await probeHomeserver({
        homeserverUrl: matrix.homeserverUrl as string,
        userId: matrix.userId as string,
        ...(matrix.password ? { password: matrix.password } : {}),
        ...(matrix.accessToken ? { accessToken: matrix.accessToken } : {}),
      }, timeoutMs);
      if (facts.userId !== matrix.userId) return failure(`la session ouverte est celle de ${facts.userId}, pas de ${String(matrix.userId)}`, 'MATRIX_USER_ID doit être l’identifiant complet du compte du bot (@nom:serveur)');
      if (matrix.accessToken && matrix.deviceId && facts.deviceId !== matrix.deviceId) {
        return failure(`le jeton appartient à l’appareil ${String(facts.deviceId)}, pas à ${matrix.deviceId}`, 'MATRIX_DEVICE_ID doit être l’appareil de la session du jeton (sinon le chiffrement échoue)');
      }
      return ok(`${matrix.homeserverUrl} (API ${facts.version}) ; connexion de ${facts.userId} ${matrix.accessToken ? 'par jeton' : 'par mot de passe'} réussie`);
    },
  };
}

function teamsCheck(config: Readonly<Config>): Check {
  if (!config.teams.enabled) return { label: 'Teams (Bot Framework)', fixOnError: '', run: async () => skipped('canal désactivé') };
  return {
    label: 'Teams (Bot Framework)',
    fixOnError: 'vérifiez TEAMS_APP_ID, TEAMS_TENANT_ID et TEAMS_APP_PASSWORD (ou TEAMS_CERTIFICATE_*), et que login.microsoftonline.com est joignable (proxy)',
    async run(timeoutMs) {
      const { probeBotFrameworkToken } = await import('../../adapters/teams/token-probe.ts');
      const token = await probeBotFrameworkToken(config, timeoutMs);
      if (!token) return warning('mode anonyme (pas de TEAMS_APP_ID) : seulement pour les essais locaux', 'enregistrez l’application dans Entra ID et définissez TEAMS_APP_ID, TEAMS_TENANT_ID et un secret ou un certificat');
      return ok(`jeton Bot Framework obtenu pour l’application ${String(config.teams.appId)} (tenant ${String(config.teams.tenantId)}) ; point d’entrée sur le port ${config.teams.port}`);
    },
  };
}

function identityProviderChecks(config: Readonly<Config>): Check[] {
  const providers = [['ProConnect', config.console.proconnect, 'PROCONNECT_ISSUER'], ['Entra ID (console)', config.console.entra, 'ENTRA_ISSUER ou ENTRA_TENANT_ID']] as const;
  return providers.flatMap(([name, provider, variable]) =>
    provider
      ? [{
          label: `Connexion ${name}`,
          fixOnError: `vérifiez ${variable} : l’émetteur doit publier /.well-known/openid-configuration`,
          async run(timeoutMs: number): Promise<CheckOutcome> {
            const url = `${provider.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
            const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
            if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
            const document = (await response.json()) as { issuer?: string };
            return ok(`découverte OpenID Connect lue (${document.issuer ?? provider.issuer})`);
          },
        }]
      : [],
  );
}
