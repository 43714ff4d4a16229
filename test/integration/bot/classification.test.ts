import assert from 'node:assert/strict';
import type { FakeModelServer } from '../../fakes/model-server.ts';
import { RESTRICTED_MARKER } from './corpus.ts';
import { renderReply } from '../../../adapters/teams/reply-renderer.ts';
import { answerOf, chatRequests, requestText, scriptModel, startHarness, withModelHarness, paraphraseOf, type Harness } from './harness.ts';

const RETENUE = 'procédures: Comment se déroule une retenue douanière ?';
const everythingSent = (server: FakeModelServer) => chatRequests(server).map(requestText).join('\n');

describe('classification ceiling and redaction (what the model receives)', function () {
  this.timeout(30_000);
  const rig = withModelHarness((server) => ({ model: { provider: 'mistral', server, ceiling: 'public' }, overrides: { bot: { answerCacheTtlMinutes: 0 } } }));
  let conversation = 0;
  const ask = async (text: string, key = `teams:ceiling-${++conversation}`) => answerOf(await rig.harness.say(text, { conversation: { key, reference: {} } }));

  it('never sends a diffusion-restreinte passage to a public-cleared model, yet quotes it to the user', async () => {
    rig.script.answers.push({ content: 'Les marchandises saisies sont consignées au bureau de douane le plus proche [1].' });
    const reply = await ask(RETENUE);
    assert.equal(chatRequests(rig.server, 'answer').length, 1, 'the model answered from the public passage');
    assert.ok(!everythingSent(rig.server).includes(RESTRICTED_MARKER));
    assert.ok(!everythingSent(rig.server).includes('ligne sécurisée'));
    assert.ok(paraphraseOf(reply.text).startsWith('Les marchandises saisies sont consignées au bureau de douane le plus proche [1].'), reply.text);
    assert.match(reply.text, /Extraits complémentaires \(non transmis au modèle en raison de leur classification\)/);
    assert.ok(reply.text.includes(RESTRICTED_MARKER), 'the restricted content reaches the user, quoted');
    const restricted = reply.citations.find((citation) => citation.id.endsWith('fiche-retenue.md#0'));
    assert.ok(restricted && reply.text.includes(`[${restricted.index}]`), JSON.stringify(reply.citations));
  });

  it('carries each cited passage’s classification to the channel: Teams labels the answer (usageInfo)', async () => {
    rig.script.answers.push({ content: 'Les marchandises saisies sont consignées au bureau de douane le plus proche [1].' });
    const reply = await ask(RETENUE);
    assert.equal(reply.citations.find((citation) => citation.id.endsWith('fiche-retenue.md#0'))?.classification, 'diffusion-restreinte');
    const entity = (renderReply(reply, { personal: true }).entities as Array<{ usageInfo?: { name?: string } }>)[0];
    assert.equal(entity?.usageInfo?.name, 'Diffusion restreinte');
    const publicReply = await ask('code: Que dit l’article 60 du code des douanes ?');
    assert.ok(publicReply.citations.every((citation) => citation.classification === 'public'), JSON.stringify(publicReply.citations));
    assert.equal((renderReply(publicReply, { personal: true }).entities as Array<{ usageInfo?: unknown }>)[0]?.usageInfo, undefined);
  });

  it('does not leak the restricted passage through conversation memory on a follow-up', async () => {
    const key = `teams:ceiling-${++conversation}`;
    rig.script.answers.push({ content: 'Les marchandises saisies sont consignées [1].' }, { content: 'Les marchandises saisies sont consignées [1].' });
    const first = await ask(RETENUE, key);
    assert.ok(first.text.includes(RESTRICTED_MARKER));
    rig.server.reset();
    rig.script = scriptModel(rig.server, { answers: [{ content: 'Les marchandises saisies sont consignées [1].' }] });
    await ask('et pour une personne mineure ?', key);
    assert.equal(chatRequests(rig.server, 'rewrite').length, 1, 'the follow-up was rewritten by the model');
    assert.ok(!everythingSent(rig.server).includes(RESTRICTED_MARKER), 'no restricted text in the rewrite request');
  });

  it('sends the restricted passage to a model cleared for it (the check above can fail)', async () => {
    const cleared = await startHarness({ model: { provider: 'mistral', server: rig.server, ceiling: 'diffusion-restreinte' }, overrides: { bot: { answerCacheTtlMinutes: 0 } } });
    try {
      rig.script.answers.push({ content: 'L’agent informe le procureur [1].' });
      await cleared.say(RETENUE);
      assert.ok(everythingSent(rig.server).includes(RESTRICTED_MARKER));
    } finally {
      await cleared.close();
    }
  });

  it('masks e-mail, phone, IBAN and plate numbers in everything the model receives', async () => {
    const personal = ['jean.dupont@example.fr', '06 12 34 56 78', 'FR76 3000 6000 0112 3456 7890 189', 'AB-123-CD'];
    const key = `teams:ceiling-${++conversation}`;
    rig.script.answers.push({ content: 'Les agents des douanes peuvent visiter les moyens de transport [1].' }, { content: 'Les agents des douanes peuvent visiter les moyens de transport [1].' });
    await ask(`Les agents des douanes peuvent-ils visiter le véhicule AB-123-CD de jean.dupont@example.fr (06 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189) ?`, key);
    await ask('et pour celui de sa sœur ?', key);
    assert.ok(chatRequests(rig.server, 'answer').length >= 1 && chatRequests(rig.server, 'route').length >= 1 && chatRequests(rig.server, 'rewrite').length === 1);
    const sent = everythingSent(rig.server);
    for (const value of personal) assert.ok(!sent.includes(value), `${value} reached the model`);
    assert.match(sent, /\[COURRIEL_1\]/);
    assert.match(sent, /\[IMMATRICULATION_1\]/);
  });

  describe('with a model cleared for diffusion-restreinte', () => {
    let cleared: Harness;
    before(async () => {
      cleared = await startHarness({ model: { provider: 'mistral', server: rig.server, ceiling: 'diffusion-restreinte' }, overrides: { bot: { answerCacheTtlMinutes: 0 } } });
    });
    after(async () => cleared.close());

    it('redacts the personal data of passages above the configured label before the model (PASSERELLE_REDACT_PASSAGES_ABOVE, default public)', async () => {
      rig.script.answers.push({ content: 'Les marchandises saisies sont consignées au bureau de douane le plus proche [1].' });
      const reply = answerOf(await cleared.say(RETENUE, { conversation: { key: `teams:ceiling-${++conversation}`, reference: {} } }));
      const sent = everythingSent(rig.server);
      assert.ok(sent.includes(RESTRICTED_MARKER), 'the restricted passage itself reaches a model cleared for it');
      assert.ok(!/Jean-Pierre|Dupont|06 98 76/.test(sent), 'its personal data does not');
      assert.ok(reply.text.length > 0);
    });
  });
});

