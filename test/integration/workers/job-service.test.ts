import assert from 'node:assert/strict';
import { PasserelleError } from '../../../bots/errors.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import type { WorkJobInput } from '../../../queue/jobs.ts';
import { message, withoutNotice } from '../bot/harness.ts';
import { waitFor } from './redis-helpers.ts';
import { ADDRESS, CODE, REQUESTER, startRig, type Rig } from './worker-rig.ts';

/** JobService (dedupe, per-user limit, list, cancel) and the job commands through the whole bot. */

const codeJob = (from: string, to: string, userHash = REQUESTER.userHash, length: 'court' | 'detaille' = 'court'): WorkJobInput => ({
  kind: 'summarise-code',
  requester: { ...REQUESTER, userHash },
  address: ADDRESS,
  length,
  kb: 'legal',
  code: CODE,
  part: { type: 'articles', from, to },
});
const fingerprint = (job: WorkJobInput) => JSON.stringify(job.kind === 'summarise-code' ? job.part : job.kind);

function isCode(code: string) {
  return (error: unknown) => error instanceof PasserelleError && error.code === code;
}

describe('JobService on bull (no worker: jobs stay pending)', function () {
  this.timeout(20_000);
  let rig: Rig;
  before(async () => (rig = await startRig({ worker: false, queue: { maxJobsPerUser: 2 } })));
  after(async () => rig.close());
  afterEach(async () => {
    for (const job of await rig.queues.work.pending()) await rig.queues.work.cancel(job.id);
  });

  it('deduplicates: the same request twice is the same job (created false); another length is another job', async () => {
    const jobs = rig.app.jobs;
    const first = await jobs.submit(codeJob('60', '65'), fingerprint(codeJob('60', '65')));
    const again = await jobs.submit(codeJob('60', '65'), fingerprint(codeJob('60', '65')));
    assert.match(first.id, /^res-code-[0-9a-f]{10}$/);
    assert.deepEqual(first, { id: first.id, created: true, ahead: 0, state: 'waiting' });
    assert.deepEqual(again, { id: first.id, created: false, ahead: 0, state: 'waiting' });
    const longer = await jobs.submit(codeJob('60', '65', undefined, 'detaille'), fingerprint(codeJob('60', '65')));
    assert.notEqual(longer.id, first.id);
    assert.equal(longer.ahead, 1);
    assert.equal((await rig.queues.work.pending()).length, 2);
  });

  it('the same request in another conversation is another job (its result is posted there)', async () => {
    const jobs = rig.app.jobs;
    const here = await jobs.submit(codeJob('60', '60-1'), 'same-pdf');
    const elsewhere = await jobs.submit({ ...codeJob('60', '60-1'), address: { key: 'matrix:!group-room', reference: {} } }, 'same-pdf');
    assert.equal(here.created, true);
    assert.equal(elsewhere.created, true);
    assert.notEqual(elsewhere.id, here.id);
  });

  it('refuses a third pending job of the same user (JOB_LIMIT_REACHED), not another user’s', async () => {
    const jobs = rig.app.jobs;
    await jobs.submit(codeJob('60', '60-1'), 'a');
    await jobs.submit(codeJob('60', '60-2'), 'b');
    await assert.rejects(jobs.submit(codeJob('60', '60-3'), 'c'), (error: unknown) => {
      assert.ok(isCode('JOB_LIMIT_REACHED')(error));
      assert.equal((error as PasserelleError).userMessage, 'Vous avez déjà 2 tâche(s) en cours (maximum 2). Attendez qu’elles se terminent ou annulez-en une (« tâches », « annule <id> »).');
      return true;
    });
    assert.equal((await jobs.submit(codeJob('60', '60-3', 'hash-agent-2'), 'c')).created, true);
  });

  it('lists only the user’s jobs; cancels for the owner or an admin, JOB_NOT_FOUND for anyone else', async () => {
    const jobs = rig.app.jobs;
    const mine = await jobs.submit(codeJob('60', '65'), 'm');
    const theirs = await jobs.submit(codeJob('60', '65', 'hash-agent-2'), 'm');
    assert.deepEqual((await jobs.list(REQUESTER.userHash)).map((job) => job.id), [mine.id]);
    await assert.rejects(jobs.cancel(theirs.id, REQUESTER.userHash, false), isCode('JOB_NOT_FOUND'));
    await assert.rejects(jobs.cancel('res-code-unknown', REQUESTER.userHash, false), isCode('JOB_NOT_FOUND'));
    await jobs.cancel(theirs.id, REQUESTER.userHash, true);
    await jobs.cancel(mine.id, REQUESTER.userHash, false);
    assert.deepEqual(await jobs.list(REQUESTER.userHash), []);
    assert.deepEqual(await rig.queues.work.pending(), []);
  });
});

describe('job commands through the whole bot (bull, worker in this process)', function () {
  this.timeout(30_000);
  let rig: Rig;
  let conversation = 0;
  let address: IncomingMessage['conversation'];
  const say = async (text: string, options: Partial<IncomingMessage> = {}) => {
    const before = rig.channel.sent.length;
    await rig.app.bot.handle(message(text, { conversation: address, ...options }));
    return rig.channel.sent.slice(before).map((entry) => ({ ...entry, reply: withoutNotice(entry.reply) })).filter((entry) => entry.reply.text !== '');
  };
  const results = () => rig.sent().filter((reply) => reply.kind === 'answer' || reply.kind === 'error');

  before(async () => (rig = await startRig()));
  after(async () => rig.close());
  beforeEach(() => {
    address = { key: `teams:jobs-${++conversation}`, reference: {} };
    rig.channel.sent.length = 0;
    rig.channel.updates.length = 0;
  });

  it('« résume les articles 60 à 60-3 »: acknowledgement, job id, then the result; asking again says it was done', async () => {
    const [ack] = await say('résume les articles 60 à 60-3');
    assert.equal(ack?.reply.kind, 'progress');
    assert.equal(ack?.reply.text, '🕑 Demande reçue : résumé court des articles 60 à 60-3 du Code des douanes. Mise en file…');
    const registered = rig.updates(ack?.id).find((reply) => reply.text.startsWith('🕑 Tâche'));
    const id = /Tâche (res-code-[0-9a-f]+) /.exec(registered?.text ?? '')?.[1];
    assert.ok(id, registered?.text);
    assert.match(registered?.text ?? '', /enregistrée : résumé court des articles 60 à 60-3 du Code des douanes\. Je publierai le résultat ici[\s\S]*« annule res-code-/);
    assert.doesNotMatch(registered?.text ?? '', /File locale/, 'a Redis queue is durable');
    await rig.settled(id);
    await waitFor(() => results().length === 1, 'the result');
    assert.match(results()[0]?.text ?? '', /^\*\*Résumé court — Code des douanes, articles 60 à 60-3/);
    const [again] = await say('résume les articles 60 à 60-3');
    assert.equal(rig.updates(again?.id).at(-1)?.text, `Cette demande a déjà été traitée (tâche ${id}) : le résultat a été publié plus haut dans cette conversation.`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(results().length, 1, 'no second run');
  });

  it('« résume le titre XX » is accepted, then fails with the French explanation', async () => {
    await say('résume le titre XX du code des douanes');
    await waitFor(() => results().length === 1, 'the failure');
    assert.match(results()[0]?.text ?? '', /^❌ Tâche res-code-[0-9a-f]+ : Je ne trouve pas « titre XX » dans le Code des douanes\./);
  });

  it('« résume » alone explains what can be summarised', async () => {
    const [reply] = await say('résume');
    assert.equal(reply?.reply.kind, 'notice');
    assert.match(reply?.reply.text ?? '', /^Je n’ai pas compris quoi résumer\./);
  });

  it('« résume la conversation » on a channel without history explains instead of queueing', async () => {
    const [reply] = await say('résume la conversation');
    assert.equal(reply?.reply.kind, 'error');
    assert.match(reply?.reply.text ?? '', /Je n’ai pas compris quoi résumer/);
  });
});

describe('job commands through the whole bot, jobs left pending (no worker)', function () {
  this.timeout(30_000);
  let rig: Rig;
  const address = { key: 'teams:pending-jobs', reference: {} };
  const say = async (text: string) => {
    const before = rig.channel.sent.length;
    await rig.app.bot.handle(message(text, { conversation: address }));
    return rig.channel.sent.slice(before).map((entry) => ({ ...entry, reply: withoutNotice(entry.reply) })).filter((entry) => entry.reply.text !== '');
  };
  before(async () => (rig = await startRig({ worker: false, queue: { maxJobsPerUser: 2 } })));
  after(async () => rig.close());

  it('« tâches » lists, the limit is explained on the acknowledgement, « annule » cancels', async () => {
    assert.equal((await say('tâches'))[0]?.reply.text, 'Vous n’avez aucune tâche en cours.');
    await say('résume les articles 60 à 65');
    const [heading] = await say('résume en détail le titre xii');
    assert.match(rig.updates(heading?.id).at(-1)?.text ?? '', /enregistrée : résumé détaillé de « titre XII » du Code des douanes\./, 'Roman numerals as the code prints them');
    const [third] = await say('résume les articles 414 à 414');
    assert.equal(rig.updates(third?.id).at(-1)?.text, 'Vous avez déjà 2 tâche(s) en cours (maximum 2). Attendez qu’elles se terminent ou annulez-en une (« tâches », « annule <id> »).');
    assert.equal(rig.updates(third?.id).at(-1)?.kind, 'error');
    const list = (await say('tâches'))[0]?.reply.text ?? '';
    const ids = [...list.matchAll(/`(res-code-[0-9a-f]+)`/g)].map((match) => match[1] ?? '');
    assert.equal(ids.length, 2, list);
    assert.match(list, /^Vos tâches en cours :\n- `res-code-[0-9a-f]+` — résumé des articles 60 à 65 — en attente\n- `res-code-[0-9a-f]+` — résumé de « titre XII » — en attente\n\n« annule <id> » pour en annuler une\.$/);
    assert.equal((await say(`annule ${ids[0]}`))[0]?.reply.text, `Tâche ${ids[0]} annulée.`);
    assert.equal((await say(`annule ${ids[0]}`))[0]?.reply.text, `Je ne trouve pas de tâche « ${ids[0]} » parmi les vôtres. Tapez « tâches » pour la liste.`);
    assert.equal((await say('annule'))[0]?.reply.text, 'Indiquez l’identifiant de la tâche : « annule <id> » (voir « tâches »).');
    assert.equal([...((await say('tâches'))[0]?.reply.text ?? '').matchAll(/`res-code-/g)].length, 1);
  });
});
