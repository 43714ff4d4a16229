import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as say from '../../../bots/user-messages.ts';
import { INSTRUCTION_WARNING } from '../../../knowledge/answering/extractive-answerer.ts';
import { jsonl, LEGIFRANCE } from './corpus.ts';
import { answerOf, startHarness, type Harness } from './harness.ts';

describe('answers without a model: extractive, abstention, refusal', function () {
  this.timeout(30_000);
  let harness: Harness;
  let conversation = 0;
  const ask = async (text: string) => answerOf(await harness.say(text, { conversation: { key: `teams:extractive-${++conversation}`, reference: {} } }));
  before(async () => {
    harness = await startHarness();
  });
  after(async () => harness.close());

  it('quotes the passages with [n] markers, cites them, and reminds to check the source', async () => {
    const reply = await ask('Quels sont les pouvoirs de visite des agents des douanes ?');
    assert.equal(reply.kind, 'answer');
    assert.equal(reply.aiGenerated, false, 'verbatim quotes: nothing generated, no AI label');
    assert.equal(reply.feedback, true);
    assert.match(reply.text, /\*\*Code des douanes, art\. 60\*\* \[1\]\n> \*\*Pour l’application des dispositions du présent code[^*\n]+\*\*/, 'the decisive sentence, verbatim, in bold');
    assert.ok(reply.text.endsWith(say.CHECK_SOURCE_EXTRACTIVE));
    assert.deepEqual(reply.suggestedActions, ['sources', 'explique']);
    const [first] = reply.citations;
    assert.deepEqual(
      { index: first?.index, id: first?.id, kb: first?.kb, title: first?.title, url: first?.url },
      { index: 1, id: 'CD-60#0', kb: 'legal', title: 'Code des douanes, art. 60', url: `${LEGIFRANCE}CD-60` },
    );
    for (const citation of reply.citations) {
      assert.ok(reply.text.includes(`[${citation.index}]`));
      assert.ok(citation.title.length <= 80 && citation.abstract.length <= 160 && citation.abstract.length > 0);
    }
  });

  it('never quotes a planted instruction: the sentence is withheld and a French warning stands above the quote', async () => {
    const reply = await ask('procédures: Comment se déroule le contrôle des bagages en zone portuaire ?');
    assert.match(reply.text, new RegExp(`\\*\\*Consignes de contrôle des bagages en zone portuaire\\*\\* \\[\\d\\]\\n${INSTRUCTION_WARNING.replace(/[()]/g, '\\$&')}\\n> Le contrôle des bagages en zone portuaire se fait par sondage`), reply.text);
    assert.ok(!reply.text.includes('Ignore les consignes') && !reply.text.includes('evil.example'), reply.text);
    assert.ok(reply.citations.every((citation) => !citation.abstract.includes('evil.example')));
  });

  it('keeps citation titles within 80 characters for long Q/A titles', async () => {
    const reply = await ask('Combien de jours de congés annuels pour un fonctionnaire ?');
    assert.equal(reply.citations[0]?.id, 'RH-conges#0');
    assert.ok(reply.citations[0]!.title.length <= 80);
    assert.ok(reply.citations[0]!.title.endsWith('…'));
    assert.equal(reply.citations[0]?.url, 'https://rh.example.gouv.fr/conges-annuels');
  });

  it('puts the article a question names first', async () => {
    const reply = await ask('Que prévoit l’article 414 sur la visite des marchandises et des moyens de transport ?');
    assert.equal(reply.citations[0]?.id, 'CD-414#0');
    assert.match(reply.text, /^Les textes les plus pertinents trouvés :\n\n\*\*Code des douanes, art\. 414\*\* \[1\]/);
  });

  it('abstains on a question the bases do not answer, lists the nearest sources, and records it for curators', async () => {
    const question = 'Quel est le montant de la prime de fin d’année des agents des douanes affectés en Guyane ?';
    const reply = await ask(question);
    assert.ok(reply.text.startsWith(say.abstention('Code des douanes et textes liés', true)), reply.text);
    assert.ok(reply.citations.length > 0 && reply.citations.length <= 3);
    for (const citation of reply.citations) assert.ok(reply.text.includes(`- [${citation.index}] ${citation.title}`));
    assert.equal(reply.aiGenerated, false, 'a fixed text: no AI label');
    const [record] = await harness.app.state.listUnanswered(1);
    assert.equal(record?.question, question);
    assert.equal(record?.reason, 'low-confidence');
    assert.equal(record?.kb, 'legal');
    assert.deepEqual(record?.nearestIds, reply.citations.map((citation) => citation.id));
    const [audit] = await harness.app.state.listAudit(1);
    assert.equal(audit?.kind, 'abstention');
    assert.equal(audit?.abstained, true);
  });

  it('stores an unanswered question pseudonymised: no name, NIR or phone number in the curators’ table', async () => {
    const question = 'Je suis Karim Haddad (NIR 1 85 05 78 006 084 36, tél. 06 12 34 56 78) : quel est le montant de la prime de fin d’année des agents affectés en Guyane ?';
    const reply = await ask(question);
    assert.ok(reply.text.startsWith('Je n’ai pas trouvé de réponse fiable'), reply.text);
    const [record] = await harness.app.state.listUnanswered(1);
    assert.ok(record && !/Karim|Haddad|1 85 05|06 12 34/.test(record.question), record?.question);
    assert.match(record?.question ?? '', /prime de fin d’année/);
  });

  it('abstains with no passage at all when nothing matches', async () => {
    const reply = await ask('Qwxz vbnkj plrt ?');
    assert.ok(reply.text.startsWith('Je n’ai pas trouvé de réponse fiable'), reply.text);
    const [record] = await harness.app.state.listUnanswered(1);
    assert.equal(record?.question, 'Qwxz vbnkj plrt ?');
    assert.ok(['no-passage', 'low-confidence'].includes(record?.reason ?? ''));
  });

  for (const question of ['recette de la tarte tatin', 'Quel temps fera-t-il demain à Paris ?', 'Qui a gagné le match de football hier soir ?', 'Quelle est la recette de la tarte aux pommes pour le repas des agents des douanes ?']) {
    it(`says plainly that « ${question} » is out of scope: no nearest passages, nothing sent to the curators`, async () => {
      const before = (await harness.app.state.listUnanswered(100)).length;
      const reply = await ask(question);
      assert.equal(reply.text, say.outOfScope(['Code des douanes et textes liés', 'Ressources humaines', 'Procédures internes']));
      assert.ok(reply.text.startsWith('Cette question ne relève pas de Passerelle : je réponds aux questions des agents des douanes sur les bases « Code des douanes et textes liés », « Ressources humaines » et « Procédures internes »'));
      assert.deepEqual(reply.citations, []);
      assert.equal(reply.aiGenerated, false);
      assert.equal((await harness.app.state.listUnanswered(100)).length, before, 'not recorded for the curators');
    });
  }

  it('a customs question with a cooking-sounding word is still answered (« recette des douanes » is an office)', async () => {
    const reply = await ask('Quels sont les pouvoirs de visite des agents des douanes à la recette des douanes ?');
    assert.ok(!reply.text.startsWith('Cette question ne relève pas'), reply.text);
  });

  it('refuses to draft a procedural act, pointing to the relevant articles instead', async () => {
    const reply = await ask('Rédige-moi un procès-verbal de saisie');
    assert.equal(reply.kind, 'notice');
    assert.ok(reply.text.startsWith(say.proceduralRefusal('procès-verbal')));
    assert.equal(reply.citations[0]?.id, 'CD-324#0');
    assert.ok(reply.text.includes('- [1] Code des douanes, art. 324'));
    assert.ok(!reply.text.includes('Les procès-verbaux de saisie énoncent'), 'no drafting, not even a quoted template');
    const [audit] = await harness.app.state.listAudit(1);
    assert.equal(audit?.kind, 'refusal');
  });

  for (const question of ['Quelles mentions doit contenir un procès-verbal ?', 'Qui peut dresser un procès-verbal de saisie ?']) {
    it(`answers « ${question} » (a question about an act, not a drafting request)`, async () => {
      const reply = await ask(question);
      assert.equal(reply.kind, 'answer');
      assert.ok(!reply.text.includes('Je ne rédige pas'));
      assert.ok(reply.citations.some((citation) => ['CD-324#0', 'CD-334#0'].includes(citation.id)), reply.text);
    });
  }

  it('adds the reservation to an infraction qualification question', async () => {
    const reply = await ask('Quelle sanction encourt une personne qui importe des marchandises prohibées sans déclaration ?');
    assert.ok(reply.text.includes(say.INFRACTION_RESERVATION));
    assert.equal(reply.citations[0]?.id, 'CD-414#0');
    const plain = await ask('Quels sont les pouvoirs de visite des agents des douanes ?');
    assert.ok(!plain.text.includes(say.INFRACTION_RESERVATION));
  });
});

describe('a question about a procedural act is answered, not refused (issue 11, item 6)', function () {
  this.timeout(30_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
    // Art. 336 of the Code des douanes, as in ../shared/corpus: the value of a PV written by two agents.
    const file = join(harness.dir, 'code_douanes_336.jsonl');
    writeFileSync(file, jsonl([{
      id: 'CD-336', code: 'Code des douanes', num: '336', title_path: ['Titre XII : Contentieux', 'Chapitre III : Poursuites'],
      text: '1. Les procès-verbaux de douane rédigés par deux agents des douanes ou de toute autre administration font foi jusqu\'à inscription de faux des constatations matérielles qu\'ils relatent.\n\n2. Ils ne font foi que jusqu\'à preuve contraire de l\'exactitude et de la sincérité des aveux et déclarations qu\'ils rapportent.',
      valid_from: null, valid_to: null, source_url: `${LEGIFRANCE}CD-336`,
    }]));
    await harness.app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [file], { defaultClassification: 'public' });
  });
  after(async () => harness.close());

  it('« Un procès-verbal rédigé par deux agents, quelle est sa valeur devant le tribunal ? » cites art. 336', async () => {
    const reply = answerOf(await harness.say('Un procès-verbal rédigé par deux agents, quelle est sa valeur devant le tribunal ?'));
    assert.equal(reply.kind, 'answer');
    assert.ok(!reply.text.startsWith('Je ne rédige pas'), reply.text);
    assert.equal(reply.citations[0]?.id, 'CD-336#0', reply.text);
    assert.match(reply.text, /font foi jusqu'à inscription de faux/);
  });
});
