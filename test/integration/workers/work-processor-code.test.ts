import assert from 'node:assert/strict';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { chatRequests, requestText } from '../bot/harness.ts';
import { RESTRICTED_WORD } from './code-corpus.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { createWorkProcessor } from '../../../worker/work-processor.ts';
import { waitFor } from './redis-helpers.ts';
import { ADDRESS, CODE, REQUESTER, startRig, type Rig } from './worker-rig.ts';

/** Summaries of a part of a code and of a conversation, through the real queues and delivery path. */

const code = (part: { type: 'heading'; label: string } | { type: 'articles'; from: string; to: string }, name = CODE) =>
  ({ kind: 'summarise-code' as const, kb: 'legal', code: name, part });

function articlesIn(text: string): string[] {
  return [...text.matchAll(/^\*\*\[?Article ([^\]*]+)\]?/gm)].map((match) => match[1] ?? '');
}

describe('work processor — code parts and conversations', function () {
  this.timeout(30_000);

  describe('extractive (no model)', () => {
    let rig: Rig;
    before(async () => (rig = await startRig()));
    after(async () => rig.close());
    beforeEach(() => {
      rig.channel.sent.length = 0;
      rig.channel.updates.length = 0;
    });

    it('summarises "titre II": its articles in the code order, titled with the heading', async () => {
      const id = await rig.enqueue({ ...code({ type: 'heading', label: 'titre II' }), progressMessageId: 'ack-2' });
      assert.equal((await rig.settled(id)).state, 'completed');
      const [result] = rig.sent();
      assert.match(result?.text ?? '', /^\*\*Résumé court — Code des douanes — Titre II : Organisation et fonctionnement du service des douanes/);
      assert.deepEqual(articlesIn(result?.text ?? ''), ['60', '60-1', '60-2', '60-3', '60 bis', '65']);
      assert.match(result?.text ?? '', /\*\*Article 60 bis\*\*\n- Lorsque des indices sérieux/);
      assert.equal(rig.updates('ack-2').at(-1)?.text, `✅ Tâche ${id} terminée.`);
    });

    it('summarises "articles 60 à 60-3": 60, 60-1, 60-2, 60-3 and nothing else (60 bis comes after 60-3)', async () => {
      const id = await rig.enqueue(code({ type: 'articles', from: '60', to: '60-3' }));
      assert.equal((await rig.settled(id)).state, 'completed');
      const [result] = rig.sent();
      assert.match(result?.text ?? '', /^\*\*Résumé court — Code des douanes, articles 60 à 60-3/);
      assert.deepEqual(articlesIn(result?.text ?? ''), ['60', '60-1', '60-2', '60-3']);
    });

    it('summarises "titre XII" across its chapters, and "chapitre Ier du titre XII" alone', async () => {
      const whole = await rig.enqueue(code({ type: 'heading', label: 'Titre XII' }));
      await rig.settled(whole);
      assert.deepEqual(articlesIn(rig.sent()[0]?.text ?? ''), ['323-1', '334', '414']);
      const chapter = await rig.enqueue(code({ type: 'heading', label: 'chapitre Ier du titre XII' }));
      assert.equal((await rig.settled(chapter)).state, 'completed');
      assert.deepEqual(articlesIn(rig.sent()[1]?.text ?? ''), ['323-1', '334']);
      assert.match(rig.sent()[1]?.text ?? '', /— Chapitre Ier : Constatation des infractions douanières/);
    });

    const MISSING: Array<[string, Parameters<typeof code>[0], string | undefined, RegExp]> = [
      ['a title that does not exist', { type: 'heading', label: 'titre XX' }, undefined, /Je ne trouve pas « titre XX » dans le Code des douanes\. Indiquez par exemple/],
      ['a chapter of the wrong title', { type: 'heading', label: 'chapitre VI du titre II' }, undefined, /Je ne trouve pas « chapitre VI du titre II »/],
      ['a range past the last article', { type: 'articles', from: '60', to: '99' }, undefined, /Les articles 60 à 99 n’existent pas tous dans le Code des douanes \(vérifiez les numéros\)/],
      ['a code absent from the base', { type: 'heading', label: 'titre II' }, 'Code des pensions civiles et militaires de retraite', /Le Code des pensions civiles et militaires de retraite n’est pas dans les bases de Passerelle \(la base est vide ou ne contient pas ce code\)\. Pour l’y verser : « npx passerelle ingest --kb legal <fichier> »/],
    ];
    for (const [what, part, name, expected] of MISSING) {
      it(`fails ${what} with a French explanation, once, without retry`, async () => {
        const id = await rig.enqueue({ ...code(part, name), progressMessageId: 'ack-missing' });
        const job = await rig.settled(id);
        assert.equal(job.state, 'failed');
        assert.equal(rig.updates('ack-missing').at(-1)?.text, `❌ Tâche ${id} : échec.`, 'the acknowledgement does not stay at « 0 % »');
        assert.equal(job.attemptsMade, 1);
        assert.equal(rig.sent().length, 1);
        assert.equal(rig.sent()[0]?.kind, 'error');
        assert.match(rig.sent()[0]?.text ?? '', expected);
      });
    }

    it('summarises a conversation day by day, with the senders', async () => {
      const messages = [
        { sender: 'Agent Martin', text: 'Le contrôle des bagages du vol de Tunis commence à quatorze heures au terminal deux.', at: '2026-03-12T09:00:00Z' },
        { sender: 'Agent Durand', text: 'Je prépare les procès-verbaux de constat pour les saisies de tabac de la matinée.', at: '2026-03-12T10:30:00Z' },
        { sender: 'Agent Martin', text: 'La retenue douanière de la veille a été levée par le procureur de la République ce matin.', at: '2026-03-13T08:15:00Z' },
      ];
      const id = await rig.enqueue({ kind: 'summarise-conversation', messages });
      assert.equal((await rig.settled(id)).state, 'completed');
      const text = rig.sent()[0]?.text ?? '';
      assert.match(text, /^\*\*Résumé court — Conversation \(3 messages\)\*\*\n\n\*\*Participants\*\* : Agent Martin \(2\), Agent Durand \(1\)/);
      assert.match(text, /Le contrôle des bagages du vol de Tunis commence à quatorze heures au terminal deux\. — _Agent Martin, 12\/03 10:00_/);
      assert.match(text, /\*\*Échanges du 13\/03\/2026\*\*[\s\S]*levée par le procureur/);
    });
  });

  describe('with a model (fake server)', () => {
    let server: FakeModelServer;
    let rig: Rig;
    before(async () => {
      server = await startFakeModelServer();
      rig = await startRig({ model: { provider: 'openai-compatible', server, ceiling: 'interne' } });
    });
    after(async () => {
      await rig.close();
      await server.close();
    });
    beforeEach(() => {
      server.reset();
      rig.channel.sent.length = 0;
      rig.channel.updates.length = 0;
    });

    it('sends the articles of the title to the model with their references, and delivers one AI result', async () => {
      server.onChat(() => ({ content: '## Pouvoirs\n- Visite des marchandises (art. 60).' }));
      const id = await rig.enqueue({ ...code({ type: 'heading', label: 'titre II' }), progressMessageId: 'ack-m' });
      assert.equal((await rig.settled(id)).state, 'completed');
      const [map, final] = chatRequests(server);
      assert.match(requestText(map!), /### Article 60 \(art\. 60\)\nPour l’application[\s\S]*### Article 65 \(art\. 65\)/);
      assert.doesNotMatch(requestText(map!), /Article 414/);
      assert.match(requestText(final!), /Tu rédiges le résumé court[\s\S]*« Code des douanes — Titre II/);
      assert.equal(rig.sent().length, 1);
      assert.equal(rig.sent()[0]?.aiGenerated, true);
      assert.deepEqual(rig.updates('ack-m').map((reply) => reply.text), [`⏳ Tâche ${id} : 0 %`, `⏳ Tâche ${id} : 50 %`, `✅ Tâche ${id} terminée.`]);
    });

    it('retries after a model failure without redoing the finished map step, and delivers exactly one result and one set of progress updates', async () => {
      server.queueChat({ content: '- partiel' }, { status: 503 });
      server.onChat(() => ({ content: '- Visite des marchandises (art. 60).' }));
      const id = await rig.enqueue({ ...code({ type: 'articles', from: '60', to: '60-3' }), progressMessageId: 'ack-r' });
      const job = await rig.settled(id);
      assert.equal(job.state, 'completed');
      assert.equal(job.attemptsMade, 1);
      assert.equal(chatRequests(server).length, 3, 'map + failed final, then only the final again (the map step is kept for the retry)');
      assert.equal(rig.sent().length, 1);
      assert.match(rig.sent()[0]?.text ?? '', /Visite des marchandises \(art\. 60\)/);
      const texts = rig.updates('ack-r').map((reply) => reply.text);
      assert.equal(new Set(texts).size, texts.length, `no progress update twice: ${texts}`);
    });

    it('a re-run of a job whose result was already handed over (worker killed just after) does not summarise again', async () => {
      server.onChat(() => ({ content: '- Pouvoirs des agents (art. 65).' }));
      const processor = createWorkProcessor({ store: rig.knowledge.store, model: rig.model, deliveries: rig.queues.deliveries, maxChunkChars: 4_000, attempts: 2, logger: silentLogger });
      const data = { kind: 'summarise-code' as const, requester: REQUESTER, address: ADDRESS, kb: 'legal', code: CODE, part: { type: 'articles' as const, from: '65', to: '65' } };
      const context = { id: 'rerun-1', createdAt: 42, attempt: 1, signal: new AbortController().signal, reportProgress: async () => undefined };
      await processor(data, context);
      const requests = chatRequests(server).length;
      await processor(data, context);
      assert.equal(chatRequests(server).length, requests, 'no second summary');
      await waitFor(() => rig.sent().length >= 1, 'the result');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(rig.sent().length, 1);
      await processor(data, { ...context, createdAt: 43 });
      await waitFor(() => rig.sent().length === 2, 'a new job under the same id is a new run');
    });

    it('falls back to an extractive summary at once when the model refuses the request (401): no retry', async () => {
      server.onChat(() => ({ status: 401 }));
      const id = await rig.enqueue(code({ type: 'articles', from: '60', to: '60-1' }));
      const job = await rig.settled(id);
      assert.equal(job.state, 'completed');
      assert.equal(job.attemptsMade, 0);
      assert.equal(chatRequests(server).length, 1);
      assert.match(rig.sent()[0]?.text ?? '', /Résumé extractif/);
      assert.equal(rig.sent()[0]?.aiGenerated, false);
    });

    it('redacts a conversation before the model (senders, names, NIR, phone) and restores the values in the summary', async () => {
      server.onChat((request) => {
        const text = requestText(request as never);
        const placeholders = [...new Set(text.match(/\[(?:PERSONNE|NIR|TELEPHONE)_\d+\]/g) ?? [])];
        return { content: `- Points évoqués par ${placeholders.join(', ')}.` };
      });
      const messages = [
        { sender: 'Karim Haddad', text: 'Le voyageur Jean-Pierre Dupont, NIR 1 85 05 78 006 084 36, joignable au 06 12 34 56 78, sera entendu demain.', at: '2026-03-12T09:00:00Z' },
        { sender: 'Sophie Leroy', text: 'Entendu, je prépare la convocation pour la retenue douanière de demain matin à neuf heures.', at: '2026-03-12T09:05:00Z' },
      ];
      const id = await rig.enqueue({ kind: 'summarise-conversation', messages });
      assert.equal((await rig.settled(id)).state, 'completed');
      const sentToModel = chatRequests(server).map((request) => requestText(request)).join('\n');
      for (const value of ['Karim Haddad', 'Sophie Leroy', 'Jean-Pierre Dupont', '1 85 05 78 006 084 36', '06 12 34 56 78']) {
        assert.ok(!sentToModel.includes(value), `« ${value} » reached the model`);
      }
      assert.match(sentToModel, /\[PERSONNE_1\] : Le voyageur \[PERSONNE_\d\], NIR \[NIR_1\]/);
      const summary = rig.sent()[0]?.text ?? '';
      for (const value of ['Karim Haddad', 'Jean-Pierre Dupont', '1 85 05 78 006 084 36', '06 12 34 56 78']) assert.ok(summary.includes(value), `« ${value} » restored: ${summary}`);
      assert.doesNotMatch(summary, /\[(?:PERSONNE|NIR|TELEPHONE)_\d+\]/);
    });

    it('labels a conversation quoting a restricted passage (the bot’s earlier answer) with that label, and keeps it from the model', async () => {
      const messages = [
        { sender: 'Agent Martin', text: 'Quelles sont les consignes réservées pour les chefs de poste ?', at: '2026-03-12T09:00:00Z' },
        { sender: 'Passerelle', text: `Selon l’article 450 : « Les consignes réservées de contrôle sont communiquées aux seuls chefs de poste sous le code ${RESTRICTED_WORD} par la ligne sécurisée du service. » [1]`, at: '2026-03-12T09:00:05Z' },
        { sender: 'Agent Durand', text: 'Merci, je transmets au chef de poste de la brigade de nuit avant la relève.', at: '2026-03-12T09:10:00Z' },
      ];
      const id = await rig.enqueue({ kind: 'summarise-conversation', messages });
      assert.equal((await rig.settled(id)).state, 'completed');
      assert.equal(chatRequests(server).length, 0, 'above the model’s ceiling (interne)');
      assert.match(rig.sent()[0]?.text ?? '', /^\*\*Résumé court — Conversation \(3 messages, 12\/03\/2026\)\*\*\n🔒 \*\*Diffusion restreinte\*\* : ce résumé reprend des éléments de ce niveau/);
    });

    it('removes an article the model invented from a code summary, and says so', async () => {
      server.onChat(() => ({ content: '- La contrebande est punie d’emprisonnement et de confiscation (art. 414).\n- Voir aussi l’article 999 ter pour les récidives.' }));
      const id = await rig.enqueue(code({ type: 'articles', from: '414', to: '414' }));
      assert.equal((await rig.settled(id)).state, 'completed');
      const summary = rig.sent()[0]?.text ?? '';
      assert.match(summary, /\(art\. 414\)/);
      assert.doesNotMatch(summary, /999/);
      assert.match(summary, /Voir aussi l’\[référence retirée\] pour les récidives/);
      assert.match(summary, /références d’articles absentes du texte résumé ont été retirées/);
    });

    it('keeps an article classified above the model ceiling away from the model (extractive instead)', async () => {
      const id = await rig.enqueue(code({ type: 'heading', label: 'titre XIII' }));
      assert.equal((await rig.settled(id)).state, 'completed');
      assert.equal(chatRequests(server).length, 0);
      assert.match(rig.sent()[0]?.text ?? '', new RegExp(`${RESTRICTED_WORD}[\\s\\S]*Résumé extractif`));
    });
  });
});
