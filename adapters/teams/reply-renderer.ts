import type { Citation, Reply } from '../../bots/reply.ts';

/**
 * Pure rendering of a Reply as the Teams activity an AI bot is expected to send (Microsoft Teams docs,
 * "Enhance AI-generated bot messages" and "Stream bot messages"):
 * - markdown text keeping the `[n]` markers;
 * - ONE root `https://schema.org/Message` entity (Teams answers 400 to several) carrying the AI label
 *   (`additionalType: ["AIGeneratedContent"]`) and the citations (`Claim`/`DigitalDocument`, name ≤ 80,
 *   abstract ≤ 160 characters, at most 20);
 * - `channelData.feedbackLoopEnabled: true` on answers, so Teams shows 👍/👎;
 * - suggested actions as imBack buttons in personal chats only;
 * - the choices of a quiz question as an Adaptive Card whose buttons post the choice's number (imBack).
 * The delivery layer adds from/recipient/conversation from the stored reference.
 */

/** An activity as posted to the Bot Connector (the fields Passerelle sets itself). */
export interface OutgoingActivity {
  type: 'message' | 'typing';
  text?: string;
  textFormat?: 'markdown' | 'plain';
  entities?: Array<Record<string, unknown>>;
  channelData?: Record<string, unknown>;
  suggestedActions?: { actions: Array<{ type: 'imBack'; title: string; value: string }> };
  attachments?: Array<{ contentType: string; content: Record<string, unknown> }>;
}

/** Adaptive Card content type (Bot Framework attachments). */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Teams shows at most 20 citations per message and rejects more with a 400. */
export const MAX_CITATIONS = 20;
/** Teams refuses messages above ~28 KB; stay well under. */
export const MAX_TEXT_CHARS = 20_000;
/** Informative streaming updates must not exceed 1,000 characters. */
const MAX_INFORMATIVE_CHARS = 1_000;

const MESSAGE_ENTITY_TYPE = 'https://schema.org/Message';

export function renderReply(reply: Reply, options: { personal: boolean }): OutgoingActivity {
  const entity = messageEntity(reply);
  const actions = options.personal ? reply.suggestedActions.filter((action) => action.trim() !== '').slice(0, 6) : [];
  return {
    type: 'message',
    text: clip(reply.text, MAX_TEXT_CHARS),
    textFormat: 'markdown',
    ...(entity ? { entities: [entity] } : {}),
    ...(reply.feedback ? { channelData: { feedbackLoopEnabled: true } } : {}),
    ...(actions.length > 0 ? { suggestedActions: { actions: actions.map((action) => ({ type: 'imBack' as const, title: clip(action, 50), value: action })) } } : {}),
    ...(reply.choices && reply.choices.length > 0 ? { attachments: [{ contentType: ADAPTIVE_CARD, content: choiceCard(reply.choices) }] } : {}),
  };
}

/**
 * The numbered choices of a quiz question as an Adaptive Card: each choice written out, and one button per
 * choice whose `imBack` posts its number as the agent's own message — the same answer a Tchap or terminal
 * user types.
 */
export function choiceCard(choices: readonly string[]): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: choices.map((choice, index) => ({ type: 'TextBlock', text: `**${index + 1}.** ${clip(choice, 300)}`, wrap: true })),
    actions: choices.map((choice, index) => ({
      type: 'Action.Submit',
      title: `${index + 1}. ${clip(choice, 40)}`,
      data: { msteams: { type: 'imBack', value: String(index + 1) } },
    })),
  };
}

/**
 * Sensitivity labels (the root entity's and each citation's `usageInfo`, a schema.org `CreativeWork`: Teams
 * shows its name on the message and its description on hover) for passages above `public`.
 */
const SENSITIVITY: Partial<Record<string, { rank: number; name: string; description: string; color: string }>> = {
  interne: { rank: 1, name: 'Interne', description: 'Réponse fondée sur des documents internes de la DGDDI : ne la diffusez pas hors de l’administration.', color: '#C47F00' },
  'diffusion-restreinte': { rank: 2, name: 'Diffusion restreinte', description: 'Réponse fondée sur des documents à diffusion restreinte : réservée aux agents habilités, ne la transférez pas.', color: '#B3261E' },
};

/** The `usageInfo` of the most sensitive classification among these, or undefined when all are public. */
export function sensitivityUsageInfo(classifications: ReadonlyArray<string | undefined>): Record<string, unknown> | undefined {
  const labels = classifications.map((label) => (label ? SENSITIVITY[label] : undefined)).filter((label) => label !== undefined);
  const label = labels.sort((a, b) => b.rank - a.rank)[0];
  if (!label) return undefined;
  return {
    type: MESSAGE_ENTITY_TYPE,
    '@type': 'CreativeWork',
    name: label.name,
    description: label.description,
    pattern: { '@type': 'DefinedTerm', inDefinedTermSet: 'https://www.douane.gouv.fr/classification', name: label.name, termCode: label.color },
  };
}

/** The root Message entity (AI label, citations, sensitivity label), or undefined when the reply needs none. */
export function messageEntity(reply: Reply): Record<string, unknown> | undefined {
  const citations = citationClaims(reply.citations);
  if (!reply.aiGenerated && citations.length === 0) return undefined;
  const usageInfo = sensitivityUsageInfo(reply.citations.map((citation) => citation.classification));
  return {
    type: MESSAGE_ENTITY_TYPE,
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    ...(reply.aiGenerated ? { additionalType: ['AIGeneratedContent'] } : {}),
    ...(citations.length > 0 ? { citation: citations } : {}),
    ...(usageInfo ? { usageInfo } : {}),
  };
}

/** Citations as Teams `Claim`s; `position` is the `[n]` marker of the text. */
export function citationClaims(citations: readonly Citation[]): Array<Record<string, unknown>> {
  const seen = new Set<number>();
  return [...citations]
    .filter((citation) => Number.isInteger(citation.index) && citation.index > 0 && !seen.has(citation.index) && seen.add(citation.index))
    .sort((a, b) => a.index - b.index)
    .slice(0, MAX_CITATIONS)
    .map((citation) => {
      const abstract = clip(citation.abstract.replace(/\s+/g, ' ').trim(), 160);
      const usageInfo = sensitivityUsageInfo([citation.classification]);
      return {
        '@type': 'Claim',
        position: citation.index,
        appearance: {
          '@type': 'DigitalDocument',
          name: clip(citation.title.trim() || `Source ${citation.index}`, 80),
          ...(abstract ? { abstract } : {}),
          ...(citation.url && /^https?:\/\//i.test(citation.url) ? { url: citation.url } : {}),
          ...(usageInfo ? { usageInfo } : {}),
        },
      };
    });
}

/** First streaming request: an informative update (blue progress bar), sequence 1, no stream id yet. */
export function informativeUpdate(text: string): OutgoingActivity {
  const info = { streamType: 'informative', streamSequence: 1 };
  return { type: 'typing', text: clip(text, MAX_INFORMATIVE_CHARS), entities: [{ type: 'streaminfo', ...info }], channelData: { ...info } };
}

/** A streamed text update: the whole text so far (Teams requires each chunk to contain the previous one). */
export function streamingUpdate(streamId: string, text: string, sequence: number): OutgoingActivity {
  const info = { streamId, streamType: 'streaming', streamSequence: sequence };
  return { type: 'typing', text: clip(text, MAX_TEXT_CHARS), entities: [{ type: 'streaminfo', ...info }], channelData: { ...info } };
}

/** The final message of a stream: a normal message plus `streamType: "final"` and no sequence number. */
export function finalStreamMessage(streamId: string, reply: Reply, options: { personal: boolean }): OutgoingActivity {
  const message = renderReply(reply, options);
  const info = { streamId, streamType: 'final' };
  return { ...message, entities: [{ type: 'streaminfo', ...info }, ...(message.entities ?? [])], channelData: { ...message.channelData, ...info } };
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
