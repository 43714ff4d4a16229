import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLES, makeTempDir, writeJsonl } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

describe('CLI: bad input (in-process, real store)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  let baseline: string;
  const snapshot = async () => {
    const run = await cli(['search', '--kb', 'legal', '--json', '--k', '20', 'agents des douanes territoire contrebande examens'], env);
    assert.equal(run.code, 0, run.err);
    return run.out;
  };

  before(async () => {
    temp = makeTempDir('cli-bad');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    const corpus = writeJsonl(join(temp.path, 'code.jsonl'), Object.values(ARTICLES));
    assert.equal((await cli(['ingest', '--kb', 'legal', corpus], env)).code, 0);
    baseline = await snapshot();
    assert.equal((JSON.parse(baseline) as unknown[]).length, 5);
  });
  after(() => temp.remove());
  // Whatever fails, what was ingested stays.
  afterEach(async () => assert.equal(await snapshot(), baseline));

  for (const [label, args] of [
    ['an empty query', ['search', '--kb', 'legal', '']],
    ['a blank query', ['search', '--kb', 'legal', '   ']],
    ['a query of punctuation', ['search', '--kb', 'legal', '?!']],
    ['no query at all', ['search', '--kb', 'legal']],
  ] as const) {
    it(`refuses ${label}: exit 1, French message`, async () => {
      const run = await cli([...args], env);
      assert.equal(run.code, 1);
      assert.equal(run.err, 'La question est vide : écrivez quelques mots pour lancer la recherche.\n');
      assert.equal(run.out, '');
    });
  }

  it('refuses a 100 KB query: exit 1, length and limit given', async () => {
    const run = await cli(['search', '--kb', 'legal', 'a'.repeat(100 * 1024)], env);
    assert.equal(run.code, 1);
    assert.equal(run.err, 'La question est trop longue (102400 caractères, maximum 4000). Résumez-la en quelques phrases.\n');
  });

  it('refuses an unknown base: exit 1, listing the bases', async () => {
    for (const args of [['search', '--kb', 'fiscalite', 'droits'], ['ingest', '--kb', 'fiscalite', join(temp.path, 'code.jsonl')], ['remove', '--kb', 'fiscalite', 'x']]) {
      const run = await cli(args, env);
      assert.equal(run.code, 1, args.join(' '));
      assert.equal(run.err, 'La base « fiscalite » n’existe pas. Bases disponibles : legal, hr, procedures.\n');
    }
  });

  it('search or ask on a missing data directory: DATA_DIR_MISSING with how to fill the bases, exit 1, nothing created', async () => {
    const missing = join(temp.path, 'absent', 'data');
    for (const args of [['search', '--kb', 'legal', 'article 414'], ['ask', 'Que dit l’article 414 ?']]) {
      const run = await cli(args, { PASSERELLE_DATA_DIR: missing });
      assert.equal(run.code, 1);
      assert.equal(
        run.err,
        `Le dossier de données ${missing} n’existe pas encore : les bases n’ont pas été alimentées. Lancez « npm start » (qui verse le corpus ou les exemples puis ouvre la discussion) ou « npx passerelle ingest --all », ou indiquez le bon dossier avec PASSERELLE_DATA_DIR.\n`,
      );
      assert.equal(existsSync(missing), false);
    }
  });

  it('a data directory that is a file: DATA_DIR_UNAVAILABLE, exit 1', async () => {
    const file = join(temp.path, 'code.jsonl');
    const run = await cli(['search', '--kb', 'legal', 'article 414'], { PASSERELLE_DATA_DIR: file });
    assert.equal(run.code, 1);
    assert.equal(run.err, `Le dossier de données ${file} est inaccessible : vérifiez qu'il existe et qu'il est accessible en écriture.\n`);
  });

  // Running as root, chmod 000 does not make a file unreadable; a FIFO is a path that cannot be read as a file.
  it('an unreadable path (FIFO): reported with its reason, exit 1', async () => {
    const fifo = join(temp.path, 'tube.pdf');
    execFileSync('mkfifo', [fifo]);
    const run = await cli(['ingest', '--kb', 'legal', fifo], env);
    assert.equal(run.code, 1);
    assert.ok(run.out.includes(`✗ ${fifo} ignoré — Le fichier ${fifo} est illisible : ce n’est pas un fichier ordinaire.`), run.out);
  });

  it('an invalid configuration: exit 1, every problem in French', async () => {
    const run = await cli(['search', 'article 414'], { ...env, PASSERELLE_LOG_LEVEL: 'bavard', EMBEDDINGS_BATCH_SIZE: 'beaucoup' });
    assert.equal(run.code, 1);
    assert.equal(run.err, 'La configuration de Passerelle est invalide : PASSERELLE_LOG_LEVEL (« bavard ») : valeurs possibles : debug, info, warn, error, silent ; EMBEDDINGS_BATCH_SIZE (« beaucoup ») : un nombre est attendu\n');
  });

  it('an unknown command: exit 2 with usage', async () => {
    const run = await cli(['cherche', 'article 414'], env);
    assert.equal(run.code, 2);
    assert.match(run.err, /^Commande inconnue « cherche »\.\nUsage :\n {2}passerelle ingest/);
  });

  it('a mistyped command: « did you mean » the closest one (serach → search, injest → ingest)', async () => {
    for (const [typed, meant] of <Array<[string, string]>>[['serach', 'search'], ['injest', 'ingest'], ['Ask', 'ask'], ['cofnig', 'config']]) {
      const run = await cli([typed, 'x'], env);
      assert.equal(run.code, 2);
      assert.ok(run.err.startsWith(`Commande inconnue « ${typed} ». Vouliez-vous dire « passerelle ${meant} » ?\nUsage :\n`), run.err);
    }
  });

  it('unknown or malformed options: French, « did you mean », only the command’s usage, never Node’s English', async () => {
    const cases: Array<[string[], string]> = [
      [['search', '--kbb', 'legal', 'x'], 'Option inconnue « --kbb ». Vouliez-vous dire « --kb » ?'],
      [['search', '--jsno', 'x'], 'Option inconnue « --jsno ». Vouliez-vous dire « --json » ?'],
      [['search', '--frobnicate', 'x'], 'Option inconnue « --frobnicate ». Options de cette commande : --kb, --k, --json, --date.'],
      [['search', '-z', 'x'], 'Option inconnue « -z ». Options de cette commande : --kb, --k, --json, --date.'],
      [['search', '--kb'], 'L’option « --kb » attend une valeur (par exemple « --kb <valeur> »).'],
      [['ask', '--json=oui', 'x'], 'L’option « --json » ne prend pas de valeur.'],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, env);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.err, `${message}\nUsage :\n  passerelle ${args[0]} ${args[0] === 'ask' ? '[--kb <id>] [--date AAAA-MM-JJ] [--json] "<question>"   Pose une question et affiche la réponse sourcée' : '[--kb <id>] [--k N] [--date AAAA-MM-JJ] [--json] "<question>"   Cherche les passages les plus pertinents'}\n`);
      assert.doesNotMatch(run.err, /Unknown|argument|positional|'/);
    }
  });

  for (const args of [['search', '--frobnicate', 'article 414'], ['ingest', '--kb', 'legal', '--force'], ['eval', '--json']]) {
    it(`bad flags or arguments (${args.join(' ')}): exit 2 with usage`, async () => {
      const run = await cli(args, env);
      assert.equal(run.code, 2);
      assert.match(run.err, /\nUsage :\n/);
    });
  }

  it('no command: usage and exit 2; help: usage and exit 0', async () => {
    const none = await cli([], env);
    assert.equal(none.code, 2);
    assert.match(none.out, /^Usage :/);
    const help = await cli(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.out, /passerelle search/);
  });

  it('search --k out of range is a usage error', async () => {
    const run = await cli(['search', '--kb', 'legal', '--k', '0', 'article 414'], env);
    assert.equal(run.code, 2);
    assert.match(run.err, /^--k attend un entier entre 1 et 1000/);
  });
});
