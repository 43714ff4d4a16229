import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasserelleError } from '../../../bots/errors.ts';
import { loadConfig, PROJECT_ROOT, redactConfig } from '../../../config/load-config.ts';

function configError(env: Record<string, string>): PasserelleError {
  try {
    loadConfig({ env });
  } catch (error) {
    assert.ok(error instanceof PasserelleError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error;
  }
  assert.fail('configuration accepted');
}

describe('config: loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a valid configuration from defaults and the catalogue alone', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.vectorStore.kind, 'embedded');
    assert.equal(config.embeddings.provider, 'none');
    assert.equal(config.dataDir, join(PROJECT_ROOT, 'data'));
    assert.deepEqual(config.knowledgeBases.map((kb) => kb.id), ['legal', 'hr', 'procedures']);
    assert.equal(config.knowledgeBases.find((kb) => kb.id === 'hr')?.examples, join(PROJECT_ROOT, 'examples/hr'));
  });

  it('checks the sync schedules of the configuration file: a time or an interval, a folder or a URL, known bases, unique names', () => {
    const file = join(dir, 'passerelle.yaml');
    writeFileSync(file, [
      'sync:',
      '  schedules:',
      '    - { source: legi, bases: [legal], url: true, at: "06:30" }',
      '    - { source: legifrance, bases: [legal, hr], everyMinutes: 720 }',
      '  notify: ["matrix:!curateurs:agent.tchap.gouv.fr"]',
    ].join('\n'));
    const config = loadConfig({ env: { PASSERELLE_CONFIG: file } });
    assert.deepEqual(config.sync.schedules.map((schedule) => [schedule.source, schedule.at ?? schedule.everyMinutes]), [['legi', '06:30'], ['legifrance', 720]]);
    assert.equal(config.sync.attempts, 3);
    writeFileSync(file, [
      'sync:',
      '  schedules:',
      '    - { source: legi, bases: [legal], at: "25:00" }',
      '    - { source: legifrance, bases: [douane], at: "06:30", everyMinutes: 60 }',
      '    - { source: legifrance, bases: [douane], everyMinutes: 60 }',
    ].join('\n'));
    const message = configError({ PASSERELLE_CONFIG: file }).userMessage;
    assert.match(message, /heure attendue au format HH:MM/);
    assert.match(message, /une synchronisation legi demande dir \(dossier d’archives\) ou url/);
    assert.match(message, /indiquez soit at \(HH:MM\), soit everyMinutes/);
    assert.match(message, /base « douane » absente du catalogue/);
    assert.match(message, /synchronisation « legifrance-douane » en double/);
  });

  it('reports several problems at once in one CONFIG_INVALID, in French, each named by the variable the user set and its value', () => {
    const error = configError({ PASSERELLE_LOG_LEVEL: 'bavard', PASSERELLE_MAX_FILE_BYTES: 'beaucoup', PASSERELLE_ENV: 'recette' });
    const message = error.userMessage;
    assert.match(message, /^La configuration de Passerelle est invalide : /);
    assert.ok(message.includes('PASSERELLE_LOG_LEVEL (« bavard ») : valeurs possibles : debug, info, warn, error, silent'), message);
    assert.ok(message.includes('PASSERELLE_MAX_FILE_BYTES (« beaucoup ») : un nombre est attendu'), message);
    assert.ok(message.includes('PASSERELLE_ENV (« recette ») : valeurs possibles : development, production, test'), message);
    assert.equal(message.split(' ; ').length, 3);
    assert.doesNotMatch(message, /\b(expected|received|Invalid|NaN)\b|logLevel|maxFileBytes|environment|"/);
  });

  it('names the environment variable, never the internal path (chatModel.provider, bot.rateLimitPerMinute)', () => {
    const message = configError({ CHAT_MODEL_PROVIDER: 'gpt', PASSERELLE_RATE_LIMIT_PER_MINUTE: 'abc', CHAT_MODEL_API_KEY: 'sk-secret-valeur' }).userMessage;
    assert.ok(message.includes('CHAT_MODEL_PROVIDER (« gpt ») : valeurs possibles : none, mistral, openai-compatible'), message);
    assert.ok(message.includes('PASSERELLE_RATE_LIMIT_PER_MINUTE (« abc ») : un nombre est attendu'), message);
    assert.doesNotMatch(message, /chatModel|rateLimitPerMinute|NaN|sk-secret-valeur/);
  });

  it('names the path in the configuration file when the file set the value', () => {
    const file = join(dir, 'passerelle.yaml');
    writeFileSync(file, 'bot:\n  rateLimitPerMinute: beaucoup\n');
    const message = configError({ PASSERELLE_CONFIG: file }).userMessage;
    assert.ok(message.includes(`bot.rateLimitPerMinute (fichier ${file}) :`), message);
  });

  it('reports cross-field problems (model endpoint without model or URL)', () => {
    const message = configError({ EMBEDDINGS_PROVIDER: 'openai-compatible' }).userMessage;
    assert.match(message, /EMBEDDINGS_MODEL : modèle requis/);
    assert.match(message, /EMBEDDINGS_URL : URL requise/);
  });

  it('never prints secrets in error messages', () => {
    const secrets = { QDRANT_API_KEY: 'qk-tres-secret-1', EMBEDDINGS_API_KEY: 'sk-tres-secret-2', CHAT_MODEL_API_KEY: 'sk-tres-secret-3' };
    const error = configError({ ...secrets, PASSERELLE_LOG_LEVEL: 'bavard', QDRANT_URL: 'pas une url' });
    for (const secret of Object.values(secrets)) {
      assert.ok(!error.userMessage.includes(secret));
      assert.ok(!error.message.includes(secret));
    }
  });

  it('never prints a secret from an unreadable config file', () => {
    const file = join(dir, 'passerelle.yaml');
    writeFileSync(file, 'chatModel:\n  apiKey: "sk-fuite-possible\n  model: x\n');
    const error = configError({ PASSERELLE_CONFIG: file });
    assert.match(error.userMessage, /illisible/);
    assert.ok(!error.userMessage.includes('sk-fuite-possible') && !error.message.includes('sk-fuite-possible'));
  });

  it('masks secrets with redactConfig and keeps everything else', () => {
    const config = loadConfig({
      env: { QDRANT_URL: 'http://qdrant.local:6333', QDRANT_API_KEY: 'qk-secret', EMBEDDINGS_PROVIDER: 'mistral', MISTRAL_API_KEY: 'mk-secret', EMBEDDINGS_MODEL: 'mistral-embed' },
    });
    assert.equal(config.embeddings.apiKey, 'mk-secret', 'MISTRAL_API_KEY feeds the Mistral endpoint');
    const redacted = redactConfig(config) as typeof config;
    const printed = JSON.stringify(redacted);
    assert.ok(!printed.includes('qk-secret') && !printed.includes('mk-secret'));
    assert.equal(redacted.vectorStore.qdrant.apiKey, '***');
    assert.equal(redacted.embeddings.apiKey, '***');
    assert.equal(redacted.vectorStore.qdrant.url, 'http://qdrant.local:6333');
    assert.equal(redacted.embeddings.model, 'mistral-embed');
    assert.equal(config.vectorStore.qdrant.apiKey, 'qk-secret', 'the configuration itself is untouched');
  });

  it('returns a deeply frozen configuration', () => {
    const config = loadConfig({ env: {} });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.retrieval) && Object.isFrozen(config.knowledgeBases[0]?.sources));
    assert.throws(() => {
      (config as { dataDir: string }).dataDir = '/ailleurs';
    }, TypeError);
    assert.throws(() => {
      (config.retrieval as { candidates: number }).candidates = 1;
    }, TypeError);
  });

  it('switches to Qdrant when QDRANT_URL is set, unless the store is chosen explicitly', () => {
    assert.equal(loadConfig({ env: { QDRANT_URL: 'http://127.0.0.1:6333' } }).vectorStore.kind, 'qdrant');
    assert.equal(loadConfig({ env: { QDRANT_URL: 'http://127.0.0.1:6333', PASSERELLE_VECTOR_STORE: 'embedded' } }).vectorStore.kind, 'embedded');
    assert.match(configError({ PASSERELLE_VECTOR_STORE: 'qdrant' }).userMessage, /QDRANT_URL est requis/);
  });

  it('merges a YAML file named by PASSERELLE_CONFIG, the environment winning', () => {
    const file = join(dir, 'passerelle.yaml');
    writeFileSync(file, 'logLevel: debug\ndataDir: /srv/passerelle\nretrieval:\n  maxQueryLength: 1000\n');
    const config = loadConfig({ env: { PASSERELLE_CONFIG: file, PASSERELLE_LOG_LEVEL: 'error' } });
    assert.equal(config.logLevel, 'error');
    assert.equal(config.dataDir, '/srv/passerelle');
    assert.equal(config.retrieval.maxQueryLength, 1000);
    assert.equal(config.retrieval.candidates, 60, 'defaults kept beside the file values');
  });

  it('reads a JSON config file too', () => {
    const file = join(dir, 'passerelle.json');
    writeFileSync(file, JSON.stringify({ ingestion: { maxChunkChars: 800 } }));
    assert.equal(loadConfig({ env: { PASSERELLE_CONFIG: file } }).ingestion.maxChunkChars, 800);
  });

  it('reports a missing config file by its path', () => {
    const file = join(dir, 'absent.yaml');
    const message = configError({ PASSERELLE_CONFIG: file }).userMessage;
    assert.ok(message.includes(`fichier de configuration introuvable : ${file}`), message);
  });

  it('reports a config file that is not an object', () => {
    const file = join(dir, 'liste.yaml');
    writeFileSync(file, '- a\n- b\n');
    assert.match(configError({ PASSERELLE_CONFIG: file }).userMessage, /un objet est attendu/);
  });

  it('applies overrides last', () => {
    const config = loadConfig({ env: { PASSERELLE_DATA_DIR: '/var/a' }, overrides: { dataDir: join(dir, 'b'), retrieval: { candidates: 5 } } });
    assert.equal(config.dataDir, join(dir, 'b'));
    assert.equal(config.retrieval.candidates, 5);
    assert.equal(config.retrieval.maxQueryLength, 4000);
  });

  it('reads another catalogue, resolving its relative paths against its folder, and rejects duplicate ids', () => {
    const catalogue = join(dir, 'bases.yaml');
    const base = 'name: Essai\n    description: Base d’essai\n    sources: [{ path: corpus/a.jsonl }]';
    writeFileSync(catalogue, `knowledgeBases:\n  - id: essai\n    ${base}\n`);
    const config = loadConfig({ env: { PASSERELLE_KNOWLEDGE_BASES: catalogue } });
    assert.deepEqual(config.knowledgeBases.map((kb) => kb.id), ['essai']);
    assert.equal(config.knowledgeBases[0]?.sources[0]?.path, join(dir, 'corpus/a.jsonl'));
    assert.equal(config.knowledgeBases[0]?.sources[0]?.classification, 'interne');
    writeFileSync(catalogue, `knowledgeBases:\n  - id: essai\n    ${base}\n  - id: essai\n    ${base}\n`);
    assert.match(configError({ PASSERELLE_KNOWLEDGE_BASES: catalogue }).userMessage, /base « essai » en double/);
  });

  it('takes NODE_ENV only when it is one of development, test, production (exactly) and names it otherwise', () => {
    assert.equal(loadConfig({ env: { NODE_ENV: 'test' } }).environment, 'test');
    assert.equal(loadConfig({ env: { NODE_ENV: 'development' } }).environment, 'development');
    for (const value of ['PRODUCTION', 'prod', 'Production', 'staging']) {
      const message = configError({ NODE_ENV: value }).userMessage;
      assert.match(message, /NODE_ENV/);
      assert.ok(message.includes(`« ${value} »`), message);
      assert.match(message, /development, test ou production/);
    }
    // PASSERELLE_ENV decides when both are set; NODE_ENV is then not consulted.
    assert.equal(loadConfig({ env: { NODE_ENV: 'prod', PASSERELLE_ENV: 'test' } }).environment, 'test');
  });
});
