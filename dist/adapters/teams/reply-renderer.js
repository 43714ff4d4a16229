/** Adaptive Card content type (Bot Framework attachments). */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** Teams shows at most 20 citations per message and rejects more with a 400. */
export const MAX_CITATIONS = 20;
/** Teams refuses messages above ~28 KB; stay well under. */
export const MAX_TEXT_CHARS = 20_000;
/** Informative streaming updates must not exceed 1,000 characters. */
const MAX_INFORMATIVE_CHARS = 1_000;
const MESSAGE_ENTITY_TYPE = 'https://schema.org/Message';
export function renderReply(reply, options) {
    const entity = messageEntity(reply);
    const actions = options.personal ? reply.suggestedActions.filter((action) => action.trim() !== '').slice(0, 6) : [];
    return {
        type: 'message',
        text: clip(reply.text, MAX_TEXT_CHARS),
        textFormat: 'markdown',
        ...(entity ? { entities: [entity] } : {}),
        ...(reply.feedback ? { channelData: { feedbackLoopEnabled: true } } : {}),
        ...(actions.length > 0 ? { suggestedActions: { actions: actions.map((action) => ({ type: 'imBack', title: clip(action, 50), value: action })) } } : {}),
        ...(reply.choices && reply.choices.length > 0 ? { attachments: [{ contentType: ADAPTIVE_CARD, content: choiceCard(reply.choices) }] } : {}),
    };
}
/**
 * The numbered choices of a quiz question as an Adaptive Card: each choice written out, and one button per
 * choice whose `imBack` posts its number as the agent's own message — the same answer a Tchap or terminal
 * user types.
 */
export function choiceCard(choices) {
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
/** The root Message entity (AI label and citations), or undefined when the reply needs neither. */
export function messageEntity(reply) {
    const citations = citationClaims(reply.citations);
    if (!reply.aiGenerated && citations.length === 0)
        return undefined;
    return {
        type: MESSAGE_ENTITY_TYPE,
        '@type': 'Message',
        '@context': 'https://schema.org',
        '@id': '',
        ...(reply.aiGenerated ? { additionalType: ['AIGeneratedContent'] } : {}),
        ...(citations.length > 0 ? { citation: citations } : {}),
    };
}
/** Citations as Teams `Claim`s; `position` is the `[n]` marker of the text. */
export function citationClaims(citations) {
    const seen = new Set();
    return [...citations]
        .filter((citation) => Number.isInteger(citation.index) && citation.index > 0 && !seen.has(citation.index) && seen.add(citation.index))
        .sort((a, b) => a.index - b.index)
        .slice(0, MAX_CITATIONS)
        .map((citation) => {
        const abstract = clip(citation.abstract.replace(/\s+/g, ' ').trim(), 160);
        return {
            '@type': 'Claim',
            position: citation.index,
            appearance: {
                '@type': 'DigitalDocument',
                name: clip(citation.title.trim() || `Source ${citation.index}`, 80),
                ...(abstract ? { abstract } : {}),
                ...(citation.url && /^https?:\/\//i.test(citation.url) ? { url: citation.url } : {}),
            },
        };
    });
}
/** First streaming request: an informative update (blue progress bar), sequence 1, no stream id yet. */
export function informativeUpdate(text) {
    const info = { streamType: 'informative', streamSequence: 1 };
    return { type: 'typing', text: clip(text, MAX_INFORMATIVE_CHARS), entities: [{ type: 'streaminfo', ...info }], channelData: { ...info } };
}
/** A streamed text update: the whole text so far (Teams requires each chunk to contain the previous one). */
export function streamingUpdate(streamId, text, sequence) {
    const info = { streamId, streamType: 'streaming', streamSequence: sequence };
    return { type: 'typing', text: clip(text, MAX_TEXT_CHARS), entities: [{ type: 'streaminfo', ...info }], channelData: { ...info } };
}
/** The final message of a stream: a normal message plus `streamType: "final"` and no sequence number. */
export function finalStreamMessage(streamId, reply, options) {
    const message = renderReply(reply, options);
    const info = { streamId, streamType: 'final' };
    return { ...message, entities: [{ type: 'streaminfo', ...info }, ...(message.entities ?? [])], channelData: { ...message.channelData, ...info } };
}
export function clip(text, max) {
    if (text.length <= max)
        return text;
    const cut = text.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
