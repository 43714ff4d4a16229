import assert from 'node:assert/strict';
import { createAuthentication } from '../../../adapters/teams/authentication.ts';
import { PasserelleCloudAdapter } from '../../../adapters/teams/cloud-adapter.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../../fakes/bot-connector.ts';
import * as A from './activities.ts';

/**
 * Characterisation of botbuilder 4.23.3 (kept as a test so that an upgrade that changes it is noticed):
 * `TurnContext.sendActivity` serialises activities through the connector's model mappers, whose `Entity`
 * model only has `type`, `text` and `mentioned`. Every other entity property is dropped on the wire, which
 * is why the Teams adapter posts the activity JSON itself (adapters/teams/connector-http.ts).
 */
describe('teams / botbuilder 4.23.3 outgoing serialisation (why Passerelle posts raw JSON)', () => {
  let connector: FakeBotConnector;

  before(async () => {
    connector = await startFakeBotConnector();
  });
  after(async () => {
    await connector.close();
  });

  it('sendActivity strips citation and streaminfo entities down to their type, keeps mentions and channelData', async () => {
    const adapter = new PasserelleCloudAdapter(createAuthentication(undefined));
    const reference = { channelId: 'msteams', serviceUrl: connector.serviceUrl, conversation: { id: 'a:characterisation', conversationType: 'personal', tenantId: A.TENANT, isGroup: false, name: '' }, bot: A.BOT, user: A.USER };
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity({
        type: 'message',
        text: 'Réponse [1]',
        entities: [
          { type: 'https://schema.org/Message', '@type': 'Message', '@context': 'https://schema.org', '@id': '', additionalType: ['AIGeneratedContent'], citation: [{ '@type': 'Claim', position: 1, appearance: { '@type': 'DigitalDocument', name: 'Code des douanes, art. 60' } }] },
          { type: 'streaminfo', streamId: 's-1', streamType: 'final' },
          { type: 'mention', text: '<at>Camille</at>', mentioned: { id: A.USER.id, name: 'Camille' } },
        ],
        channelData: { feedbackLoopEnabled: true, streamId: 's-1', streamType: 'final' },
      });
    });
    const [call] = connector.calls;
    assert.deepEqual(call?.body.entities, [
      { type: 'https://schema.org/Message' },
      { type: 'streaminfo' },
      { type: 'mention', text: '<at>Camille</at>', mentioned: { id: A.USER.id, name: 'Camille' } },
    ]);
    assert.deepEqual(call?.body.channelData, { feedbackLoopEnabled: true, streamId: 's-1', streamType: 'final' });
    assert.ok(call?.activityId, 'and it replies to the continuation activity’s random id (POST …/activities/{uuid})');
  });
});
