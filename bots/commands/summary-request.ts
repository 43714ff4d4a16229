import { headingLabelIn } from '../../knowledge/analysis/headings.ts';
import { foldText } from '../../knowledge/analysis/normalise.ts';
import type { Attachment, IncomingMessage } from '../message.ts';
import type { Cache } from '../../state/state-store.ts';

/**
 * Reads a "résume …" request: what to summarise (the attached document, this conversation, a part of a
 * code) and how long (court by default, détaillé on request).
 */

export type SummaryTarget =
  | { type: 'document' }
  | { type: 'conversation' }
  | { type: 'code-heading'; label: string; code?: string }
  | { type: 'code-articles'; from: string; to: string; code?: string };

export interface SummaryRequest {
  target: SummaryTarget | undefined;
  length: 'court' | 'detaille';
}

const NUMBER = String.raw`(?:[lrd]\.?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?`;
const RANGE = new RegExp(`articles?\\s+(${NUMBER})\\s*(?:a|au|-|jusqu'a)\\s*(?:l'article\\s+)?(${NUMBER})`);

export function parseSummaryRequest(text: string, hasAttachment: boolean, codes: readonly string[]): SummaryRequest {
  const folded = foldText(text);
  const length = /\b(?:detaille|detaillee|en detail|long|complet|complete|approfondi)\b/.test(folded) ? 'detaille' : 'court';
  const code = codes.find((name) => folded.includes(foldText(name))) ?? aliasCode(folded, codes);
  const range = RANGE.exec(folded);
  if (range?.[1] && range[2]) return { target: { type: 'code-articles', from: range[1], to: range[2], ...(code ? { code } : {}) }, length };
  const heading = headingLabelIn(folded);
  if (heading) return { target: { type: 'code-heading', label: heading, ...(code ? { code } : {}) }, length };
  if (hasAttachment) return { target: { type: 'document' }, length };
  if (/\b(?:conversation|fil|discussion|echanges|salon|messages)\b/.test(folded)) return { target: { type: 'conversation' }, length };
  return { target: undefined, length };
}

function aliasCode(folded: string, codes: readonly string[]): string | undefined {
  const aliases: Array<[RegExp, RegExp]> = [
    [/\bcibs\b|biens et services|accises?/, /impositions sur les biens et services/],
    [/\bcgfp\b|fonction publique/, /fonction publique/],
    [/\bpensions?\b/, /pensions/],
    [/\bdouanes?\b/, /code des douanes/],
  ];
  for (const [alias, target] of aliases) {
    if (alias.test(folded)) {
      const found = codes.find((name) => target.test(foldText(name)));
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Files the agents sent, so that « résume ce document » finds the file it is about when it is not attached
 * to the request itself — the way Tchap web (Element) sends a file: alone, without a caption, the request
 * following in another message. A request finds, in this order: the file it replies to; else the last file
 * the same agent sent in the same conversation, within `recentMs`. Kept in the state's cache (the file's
 * locator only — for an encrypted Tchap file, the key to read it — never its content), for `keepMs`.
 */
export class RecentFiles {
  constructor(
    private readonly cache: Pick<Cache, 'cacheGet' | 'cacheSet'>,
    private readonly recentMs = 30 * 60_000,
    private readonly keepMs = 24 * 3_600_000,
  ) {}

  /** Notes the first file of a message. */
  async remember(message: IncomingMessage): Promise<void> {
    const attachment = message.attachments[0];
    if (!attachment) return;
    const value = JSON.stringify(attachment);
    await this.cache.cacheSet(byMessage(message.channel, message.id), value, this.keepMs);
    await this.cache.cacheSet(lastOf(message), value, this.recentMs);
  }

  /** The file a request without attachment is about, if any (see the class comment). */
  async find(message: IncomingMessage): Promise<Attachment | undefined> {
    const replied = message.replyToId ? await this.cache.cacheGet(byMessage(message.channel, message.replyToId)) : undefined;
    const value = replied ?? (await this.cache.cacheGet(lastOf(message)));
    if (!value) return undefined;
    try {
      const parsed = JSON.parse(value) as Attachment;
      return typeof parsed.name === 'string' && typeof parsed.contentType === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}

function byMessage(channel: string, messageId: string): string {
  return `file:message:${channel}:${messageId}`;
}

function lastOf(message: IncomingMessage): string {
  return `file:last:${message.conversation.key}:${message.sender.id}`;
}
