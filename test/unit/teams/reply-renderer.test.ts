import assert from 'node:assert/strict';
import { citationClaims, finalStreamMessage, informativeUpdate, MAX_CITATIONS, renderReply, streamingUpdate } from '../../../adapters/teams/reply-renderer.ts';
import { notice, progress, type Citation, type Reply } from '../../../bots/reply.ts';

function citation(index: number, overrides: Partial<Citation> = {}): Citation {
  return { index, id: `legal:CD-${index}`, kb: 'legal', title: `Code des douanes, art. ${index}`, abstract: `Extrait de l’article ${index}.`, ...overrides };
}

function answer(overrides: Partial<Reply> = {}): Reply {
  return {
    kind: 'answer',
    text: 'Les agents peuvent visiter les marchandises [1] et exiger les documents [2].',
    citations: [citation(1, { url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60' }), citation(2)],
    suggestedActions: ['sources'],
    aiGenerated: true,
    feedback: true,
    answerOf: { question: 'pouvoirs ?', kb: 'legal' },
    ...overrides,
  };
}

describe('teams / reply renderer', () => {
  it('labels an answer built from interne passages (usageInfo on the root entity and on those citations); public ones get none', () => {
    const reply = answer({ citations: [citation(1, { classification: 'public' }), citation(2, { classification: 'interne', kb: 'procedures' })] });
    const entity = (renderReply(reply, { personal: false }).entities as Array<Record<string, unknown>>)[0]!;
    const label = {
      type: 'https://schema.org/Message', '@type': 'CreativeWork', name: 'Interne',
      description: 'Réponse fondée sur des documents internes de la DGDDI : ne la diffusez pas hors de l’administration.',
      pattern: { '@type': 'DefinedTerm', inDefinedTermSet: 'https://www.douane.gouv.fr/classification', name: 'Interne', termCode: '#C47F00' },
    };
    assert.deepEqual(entity.usageInfo, label);
    const claims = entity.citation as Array<{ appearance: Record<string, unknown> }>;
    assert.equal(claims[0]!.appearance.usageInfo, undefined);
    assert.deepEqual(claims[1]!.appearance.usageInfo, label);
    const restricted = answer({ citations: [citation(1, { classification: 'interne' }), citation(2, { classification: 'diffusion-restreinte' })] });
    assert.equal(((renderReply(restricted, { personal: true }).entities as Array<Record<string, { name?: string }>>)[0]!.usageInfo)?.name, 'Diffusion restreinte', 'the most sensitive label wins');
    assert.equal((renderReply(answer({ citations: [citation(1, { classification: 'public' })] }), { personal: true }).entities as Array<Record<string, unknown>>)[0]!.usageInfo, undefined);
  });

  it('renders an answer as markdown with one root Message entity: AI label and citations, plus the feedback loop', () => {
    assert.deepEqual(renderReply(answer(), { personal: true }), {
      type: 'message',
      text: 'Les agents peuvent visiter les marchandises [1] et exiger les documents [2].',
      textFormat: 'markdown',
      entities: [
        {
          type: 'https://schema.org/Message',
          '@type': 'Message',
          '@context': 'https://schema.org',
          '@id': '',
          additionalType: ['AIGeneratedContent'],
          citation: [
            { '@type': 'Claim', position: 1, appearance: { '@type': 'DigitalDocument', name: 'Code des douanes, art. 1', abstract: 'Extrait de l’article 1.', url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60' } },
            { '@type': 'Claim', position: 2, appearance: { '@type': 'DigitalDocument', name: 'Code des douanes, art. 2', abstract: 'Extrait de l’article 2.' } },
          ],
        },
      ],
      channelData: { feedbackLoopEnabled: true },
      suggestedActions: { actions: [{ type: 'imBack', title: 'sources', value: 'sources' }] },
    });
  });

  it('keeps suggested actions to personal chats', () => {
    assert.equal(renderReply(answer(), { personal: false }).suggestedActions, undefined);
  });

  it('sends a plain notice without entity nor feedback', () => {
    assert.deepEqual(renderReply(notice('Votre message est vide.'), { personal: false }), { type: 'message', text: 'Votre message est vide.', textFormat: 'markdown' });
  });

  it('cites without the AI label when the content is not generated (sources listing)', () => {
    const rendered = renderReply({ ...notice('Sources :\n- [1] art. 1'), citations: [citation(1)] }, { personal: true });
    const entity = rendered.entities?.[0] as Record<string, unknown>;
    assert.equal(entity.additionalType, undefined);
    assert.equal((entity.citation as unknown[]).length, 1);
  });

  it('enforces Teams limits: name ≤ 80, abstract ≤ 160, at most 20 citations, no duplicate positions, http(s) urls only', () => {
    const many = Array.from({ length: 25 }, (_, index) => citation(25 - index, { title: 'T'.repeat(120), abstract: 'mot '.repeat(80), url: index === 0 ? 'javascript:alert(1)' : undefined }));
    const claims = citationClaims([...many, citation(3)]) as Array<{ position: number; appearance: { name: string; abstract: string; url?: string } }>;
    assert.equal(claims.length, MAX_CITATIONS);
    assert.deepEqual(claims.map((claim) => claim.position), Array.from({ length: 20 }, (_, index) => index + 1));
    assert.ok(claims.every((claim) => claim.appearance.name.length <= 80 && claim.appearance.abstract.length <= 160));
    assert.ok(claims.every((claim) => claim.appearance.url === undefined));
  });

  it('builds the streaming protocol activities: informative (sequence 1), streaming (stream id, sequence), final (no sequence)', () => {
    assert.deepEqual(informativeUpdate('Je cherche dans les textes…'), {
      type: 'typing',
      text: 'Je cherche dans les textes…',
      entities: [{ type: 'streaminfo', streamType: 'informative', streamSequence: 1 }],
      channelData: { streamType: 'informative', streamSequence: 1 },
    });
    assert.deepEqual(streamingUpdate('s-1', 'Les agents', 2), {
      type: 'typing',
      text: 'Les agents',
      entities: [{ type: 'streaminfo', streamId: 's-1', streamType: 'streaming', streamSequence: 2 }],
      channelData: { streamId: 's-1', streamType: 'streaming', streamSequence: 2 },
    });
    const final = finalStreamMessage('s-1', answer(), { personal: true });
    assert.equal(final.type, 'message');
    assert.deepEqual(final.entities?.[0], { type: 'streaminfo', streamId: 's-1', streamType: 'final' });
    assert.equal((final.entities?.[1] as Record<string, unknown>).type, 'https://schema.org/Message');
    assert.deepEqual(final.channelData, { feedbackLoopEnabled: true, streamId: 's-1', streamType: 'final' });
    assert.equal(informativeUpdate(progress('x'.repeat(2000)).text).text?.length, 1000, 'informative updates ≤ 1,000 characters');
  });
});
