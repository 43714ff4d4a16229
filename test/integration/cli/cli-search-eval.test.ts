import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLES, jsonl, makeTempDir, writeJsonl } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

interface SearchItem {
  rank: number;
  id: string;
  documentId: string;
  kb: string;
  score: number | null;
  namedInQuestion: boolean;
  title: string;
  classification: string;
  excerpt: string;
}

describe('CLI: passerelle search / eval (in-process, real store)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  const search = async (...args: string[]) => {
    const run = await cli(['search', ...args], env);
    assert.equal(run.code, 0, run.err);
    return run;
  };

  before(async () => {
    temp = makeTempDir('cli-search');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    const corpus = writeJsonl(join(temp.path, 'code_douanes.jsonl'), Object.values(ARTICLES));
    assert.equal((await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env)).code, 0);
  });
  after(() => temp.remove());

  it('search --json returns ranked items with id, score and title', async () => {
    const items = JSON.parse((await search('--kb', 'legal', '--json', 'examens médicaux par les agents des douanes')).out) as SearchItem[];
    assert.ok(items.length >= 2 && items.length <= 5);
    assert.deepEqual(items.map((item) => item.rank), items.map((_, index) => index + 1));
    assert.deepEqual([items[0]?.id, items[0]?.documentId, items[0]?.title, items[0]?.kb], ['CD-60_bis#0', 'CD-60_bis', 'Code des douanes, art. 60 bis', 'legal']);
    const scores = items.map((item) => item.score as number);
    assert.ok(scores.every((score) => typeof score === 'number' && score > 0));
    assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'scores in decreasing order');
    assert.ok(items[0]?.excerpt.startsWith('Lorsque des indices sérieux'));
  });

  it('search puts a named article first, with no numeric score', async () => {
    const [first] = JSON.parse((await search('--kb', 'legal', '--json', 'Que prévoit l’article 414 ?')).out) as SearchItem[];
    assert.deepEqual([first?.id, first?.namedInQuestion, first?.score], ['CD-414#0', true, null]);
  });

  it('search --k limits the number of items; without --kb it searches every base', async () => {
    assert.equal((JSON.parse((await search('--kb', 'legal', '--json', '--k', '2', 'agents des douanes')).out) as SearchItem[]).length, 2);
    const all = JSON.parse((await search('--json', 'visite des marchandises')).out) as SearchItem[];
    assert.equal(all[0]?.documentId, 'CD-60');
  });

  it('search prints readable passages without --json', async () => {
    const { out } = await search('--kb', 'legal', 'article 323-1');
    assert.match(out, /^1\. \[legal\] Code des douanes, art\. 323-1 {2}\(score article cité, id CD-323-1#0\)\n {3}Titre XII : Contentieux et recouvrement › Chapitre Ier/);
  });

  it('search says so when nothing is found', async () => {
    const { out } = await search('--kb', 'hr', 'congés annuels');
    assert.match(out, /^Aucun passage trouvé\./);
  });

  it('config prints the effective configuration with secrets masked', async () => {
    const run = await cli(['config'], { ...env, QDRANT_URL: 'http://127.0.0.1:6333', QDRANT_API_KEY: 'cle-tres-secrete', CHAT_MODEL_API_KEY: 'sk-chat-secret' });
    assert.equal(run.code, 0, run.err);
    const printed = JSON.parse(run.out);
    assert.equal(printed.vectorStore.kind, 'qdrant');
    assert.equal(printed.vectorStore.qdrant.apiKey, '***');
    assert.equal(printed.chatModel.apiKey, '***');
    assert.equal(printed.dataDir, env.PASSERELLE_DATA_DIR);
    assert.ok(!run.out.includes('cle-tres-secrete') && !run.out.includes('sk-chat-secret'));
  });

  it('eval --json prints exactly one JSON object with n, R@1, R@5, R@10 and MRR@10', async () => {
    const questions = join(temp.path, 'questions.jsonl');
    writeFileSync(
      questions,
      jsonl([
        { id: 'q1', question: 'Que prévoit l’article 414 ?', relevant_ids: ['CD-414'], kb: 'legal' },
        { id: 'q2', question: 'examens médicaux de dépistage des stupéfiants', relevant_ids: ['CD-60_bis'], kb: 'legal' },
        { id: 'q3', question: 'visite des marchandises', relevant_ids: ['CD-INEXISTANT'], kb: 'legal' },
      ]),
    );
    const run = await cli(['eval', '--json', questions], env);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out.trim().split('\n').length, 1);
    const metrics = JSON.parse(run.out);
    assert.deepEqual(Object.keys(metrics).sort(), ['mrr_at_10', 'n', 'recall_at_1', 'recall_at_10', 'recall_at_5']);
    assert.deepEqual(metrics, { n: 3, recall_at_1: 0.6667, recall_at_5: 0.6667, recall_at_10: 0.6667, mrr_at_10: 0.6667 });
  });

  it('eval skips invalid question lines with a warning, and prints a summary line without --json', async () => {
    const questions = join(temp.path, 'questions-mixtes.jsonl');
    writeFileSync(questions, `${JSON.stringify({ id: 'q1', question: 'article 60 bis', relevant_ids: ['CD-60_bis'], kb: 'legal' })}\n{"id": "q2"}\npas du json\n`);
    const run = await cli(['eval', questions], env);
    assert.equal(run.code, 0);
    assert.equal(run.out, 'n=1  R@1=1.000  R@5=1.000  R@10=1.000  MRR@10=1.000\n');
    assert.match(run.err, /Ligne 2 de .* ignorée/);
    assert.match(run.err, /Ligne 3 de .* ignorée/);
  });

  it('eval refuses a missing or empty question file with exit 1', async () => {
    const missing = await cli(['eval', join(temp.path, 'absent.jsonl')], env);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Le jeu de questions .*absent\.jsonl est invalide : fichier introuvable ou illisible\./);
    const empty = join(temp.path, 'vide.jsonl');
    writeFileSync(empty, '\n');
    assert.match((await cli(['eval', empty], env)).err, /aucune question valide/);
  });
});
