import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConversationMemory, looksLikeFollowUp } from '../../../bots/conversation-memory.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import { tempDir } from '../../integration/bot/harness.ts';

describe('conversation memory', () => {
  let temp: ReturnType<typeof tempDir>;
  let state: SqliteStateStore;
  beforeEach(() => {
    temp = tempDir('memory');
    state = new SqliteStateStore(join(temp.path, 'state.sqlite'));
  });
  afterEach(async () => {
    await state.close();
    temp.remove();
  });

  const turn = (text: string, at = new Date()) => ({ role: 'user' as const, text, at: at.toISOString() });

  it('returns the last turns of a conversation, oldest first, and only that conversation’s', async () => {
    const memory = new ConversationMemory(state, 2, 60_000);
    for (const text of ['un', 'deux', 'trois']) await memory.remember('teams:a', turn(text));
    await memory.remember('teams:b', turn('ailleurs'));
    assert.deepEqual((await memory.recent('teams:a')).map((entry) => entry.text), ['deux', 'trois']);
  });

  it('forgets turns older than the TTL', async () => {
    const memory = new ConversationMemory(state, 6, 50);
    await memory.remember('teams:a', turn('ancienne question'));
    assert.equal((await memory.recent('teams:a')).length, 1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(await memory.recent('teams:a'), []);
  });

  it('forgets a conversation on request', async () => {
    const memory = new ConversationMemory(state, 6, 60_000);
    await memory.remember('teams:a', turn('question'));
    await memory.forget('teams:a');
    assert.deepEqual(await memory.recent('teams:a'), []);
  });

  it('remembers nothing when configured with zero turns', async () => {
    const memory = new ConversationMemory(state, 0, 60_000);
    await memory.remember('teams:a', turn('question'));
    assert.deepEqual(await memory.recent('teams:a'), []);
  });

  for (const question of ['et pour un contractuel ?', 'Et pour les stagiaires ?', 'Mais dans ce cas ?', 'Un contractuel y a-t-il droit ?', 'Quel délai ?', 'Combien de jours ?', 'idem pour la Corse', 'Peut-il refuser ?', 'Pour un stagiaire ?']) {
    it(`recognises the follow-up « ${question} »`, () => assert.equal(looksLikeFollowUp(question), true));
  }

  for (const question of [
    'Quels sont les pouvoirs de visite des agents des douanes ?',
    'Combien de jours de congés annuels pour un fonctionnaire à temps plein ?',
    'Que dit l’article 414 du code des douanes ?',
    'Comment demander un temps partiel ?',
    'Pour exiger des documents, quel grade faut-il avoir ?',
    'Y a-t-il un délai pour demander une mutation ?',
  ]) {
    it(`reads « ${question} » as standalone`, () => assert.equal(looksLikeFollowUp(question), false));
  }
});
