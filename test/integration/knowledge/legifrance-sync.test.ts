import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SyncReport } from '../../../knowledge/sync/sync-report.ts';
import { startFakePiste, type FakePiste, type PisteArticleVersion } from '../../fakes/piste-server.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/** `passerelle sync legifrance` against a fake PISTE speaking the Légifrance API's JSON (shared corpus ids). */
const CD = 'LEGITEXT000006071570';
const PATH = ['Titre XII : Contentieux et recouvrement'];
const V414_2017: PisteArticleVersion = { id: 'LEGIARTI000033815388', cid: 'LEGIARTI000006615940', num: '414', etat: 'VIGUEUR', dateDebut: '2017-01-01', dateFin: '2999-01-01', text: "Sont passibles d'un emprisonnement de trois ans et d'une amende comprise entre une et deux fois la valeur de l'objet de fraude, tout fait de contrebande.", path: PATH };
const V2: PisteArticleVersion = { id: 'LEGIARTI000006615335', cid: 'LEGIARTI000006615335', num: '2', etat: 'VIGUEUR', dateDebut: '1949-01-01', dateFin: '2999-01-01', text: 'Dans toutes les parties du territoire douanier, on doit se conformer aux mêmes lois et règlements douaniers.', path: ['Titre Ier : Principes généraux du régime des douanes'] };

describe('sync legifrance: the Légifrance API on PISTE (fake server, OAuth2 client credentials)', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let piste: FakePiste;
  let env: Record<string, string>;
  const sync = async (extra: Record<string, string> = {}) => {
    const run = await cli(['sync', 'legifrance', '--kb', 'legal', '--json'], { ...env, ...extra });
    return { ...run, report: run.out ? (JSON.parse(run.out) as SyncReport) : undefined };
  };
  const named = async (question: string, date: string) => {
    const run = await cli(['search', '--kb', 'legal', '--json', '--k', '3', '--date', date, question], env);
    return [...new Set((JSON.parse(run.out) as Array<{ documentId: string; namedInQuestion: boolean }>).filter((hit) => hit.namedInQuestion).map((hit) => hit.documentId))];
  };

  before(async () => {
    temp = makeTempDir('legifrance-sync');
    piste = await startFakePiste({ clientId: 'passerelle', clientSecret: 's3cret' });
    piste.setCode(CD, 'Code des douanes', [V414_2017, V2]);
    piste.setCode('LEGITEXT000044595989', 'Code des impositions sur les biens et services', []);
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), LEGIFRANCE_URL: piste.apiUrl, LEGIFRANCE_TOKEN_URL: piste.tokenUrl, LEGIFRANCE_CLIENT_ID: 'passerelle', LEGIFRANCE_CLIENT_SECRET: 's3cret' };
  });
  after(async () => {
    await piste?.close();
    temp?.remove();
  });

  it('gets a token, reads the table of contents and each article, and indexes them', async () => {
    const { code, report } = await sync();
    assert.equal(code, 0);
    // The base's two codes: the Code des douanes (two articles) and the CIBS (none in this fake).
    assert.deepEqual(piste.calls, ['token', 'tableMatieres', 'getArticle:LEGIARTI000033815388', 'getArticle:LEGIARTI000006615335', 'tableMatieres']);
    assert.equal(report?.added, 2);
    assert.deepEqual(await named('article 414 du code des douanes', '2026-01-01'), ['LEGIARTI000033815388']);
  });

  it('fetches only what changed, with the version history, and dates the versions', async () => {
    piste.calls.length = 0;
    const v2024: PisteArticleVersion = { ...V414_2017, id: 'LEGIARTI000048123456', dateDebut: '2024-01-02', text: `${V414_2017.text} Les biens qui ont servi à commettre l'infraction sont confisqués.` };
    piste.setCode(CD, 'Code des douanes', [{ ...V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' }, v2024, V2]);
    const { report } = await sync();
    assert.deepEqual(piste.calls.filter((call) => call.startsWith('getArticle')), ['getArticle:LEGIARTI000048123456', 'getArticle:LEGIARTI000033815388'], 'article 2 is not fetched again');
    assert.deepEqual([report?.added, report?.updated], [1, 1]);
    assert.deepEqual(await named('article 414 du code des douanes', '2023-06-01'), ['LEGIARTI000033815388']);
    assert.deepEqual(await named('article 414 du code des douanes', '2026-01-01'), ['LEGIARTI000048123456']);
  });

  it('waits and retries on a quota answer (429), and stops cleanly when the quota lasts', async () => {
    piste.setCode(CD, 'Code des douanes', [{ ...V2, id: 'LEGIARTI000006615336', dateDebut: '2025-01-01', text: `${V2.text} (nouvelle rédaction)` }, { ...V2, etat: 'MODIFIE', dateFin: '2025-01-01' }]);
    piste.quota(2, 0);
    const retried = await sync();
    assert.equal(retried.code, 0, retried.err);
    piste.quota(50, 0);
    piste.setCode(CD, 'Code des douanes', [{ ...V2, id: 'LEGIARTI000006615337', dateDebut: '2026-01-01', text: `${V2.text} (troisième rédaction)` }]);
    const stopped = await sync();
    assert.equal(stopped.code, 3);
    assert.equal(stopped.report?.complete, false);
    assert.match(stopped.report?.steps[0]?.error ?? '', /La source officielle Légifrance ne répond pas pour le moment \(quota d’appels atteint \(429\)\)/);
    piste.quota(0);
  });

  it('refuses wrong or missing credentials in French', async () => {
    const wrong = await sync({ LEGIFRANCE_CLIENT_SECRET: 'faux' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /Les identifiants PISTE de Légifrance sont refusés/);
    const missing = await cli(['sync', 'legifrance', '--kb', 'legal'], { PASSERELLE_DATA_DIR: env.PASSERELLE_DATA_DIR as string });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /LEGIFRANCE_CLIENT_ID et LEGIFRANCE_CLIENT_SECRET sont requis/);
  });
});
