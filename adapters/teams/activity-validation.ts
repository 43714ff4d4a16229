import type { Activity } from 'botbuilder';
import { HTTP_ERRORS } from './teams-messages.ts';

/**
 * Shape checks of a POSTed activity, before authentication and before any botbuilder code sees it. A body
 * that fails gets a 400 with a French reason; nothing reaches the bot. Activity types of the Bot Framework
 * schema that Passerelle does not act on (reactions, edits, events…) pass and are acknowledged with 200.
 */

/** Activity types of the Bot Framework schema (anything else is a client error). */
const KNOWN_ACTIVITY_TYPES: ReadonlySet<string> = new Set([
  'message', 'conversationUpdate', 'installationUpdate', 'invoke', 'messageReaction', 'messageUpdate', 'messageDelete',
  'event', 'typing', 'endOfConversation', 'contactRelationUpdate', 'deleteUserData', 'trace', 'handoff', 'command',
  'commandResult', 'suggestion', 'invokeResponse',
]);

/** Types Passerelle acts on: they must carry everything needed to answer. */
const ACTIONABLE = new Set(['message', 'conversationUpdate', 'installationUpdate', 'invoke']);

export type ValidationResult = { ok: true; activity: Partial<Activity> } | { ok: false; error: string };

/** Deepest nesting accepted. Teams activities (adaptive card values included) stay far below. */
export const MAX_ACTIVITY_DEPTH = 32;

/** Fields read as identifiers or labels: when present (not null), they must be strings. */
const STRING_FIELDS: ReadonlyArray<readonly string[]> = [
  ['id'], ['replyToId'], ['channelId'], ['locale'], ['serviceUrl'], ['action'], ['name'],
  ['from', 'id'], ['from', 'name'], ['from', 'aadObjectId'], ['from', 'role'],
  ['recipient', 'id'], ['recipient', 'name'], ['recipient', 'aadObjectId'], ['recipient', 'role'],
  ['conversation', 'id'], ['conversation', 'name'], ['conversation', 'conversationType'], ['conversation', 'tenantId'],
  ['channelData', 'tenant', 'id'], ['channelData', 'team', 'id'], ['channelData', 'team', 'aadGroupId'], ['channelData', 'channel', 'id'],
];
/** Objects the mapper reads fields from: when present, they must be objects. */
const OBJECT_FIELDS = ['from', 'recipient', 'conversation', 'channelData'] as const;

export function validateActivity(body: unknown): ValidationResult {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: HTTP_ERRORS.notAnActivity };
  // Before anything walks the activity (logging, botbuilder, the state store's JSON): deep nesting would overflow the stack.
  if (depthExceeds(body, MAX_ACTIVITY_DEPTH)) return { ok: false, error: HTTP_ERRORS.tooDeep };
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return { ok: false, error: HTTP_ERRORS.notAnActivity };
  if (!KNOWN_ACTIVITY_TYPES.has(activity.type)) return { ok: false, error: `${HTTP_ERRORS.unknownType} (${activity.type.slice(0, 40)})` };
  const mistyped = [
    ...OBJECT_FIELDS.filter((field) => activity[field] != null && (typeof activity[field] !== 'object' || Array.isArray(activity[field]))).map((field) => `${field} (objet)`),
    ...STRING_FIELDS.filter((path) => {
      const value = valueAt(activity, path);
      return value != null && typeof value !== 'string';
    }).map((path) => `${path.join('.')} (chaîne)`),
  ];
  const isGroup = (activity.conversation as { isGroup?: unknown } | null | undefined)?.isGroup;
  if (isGroup != null && typeof isGroup !== 'boolean') mistyped.push('conversation.isGroup (booléen)');
  if (mistyped.length > 0) return { ok: false, error: `${HTTP_ERRORS.mistypedFields} : ${mistyped.join(', ')}` };
  if (!ACTIONABLE.has(activity.type)) return { ok: true, activity: activity as Partial<Activity> };
  const missing: string[] = [];
  if (!isHttpUrl(activity.serviceUrl)) missing.push('serviceUrl');
  // "." and ".." would be dot segments of the reply's URL path (/v3/conversations/../activities → /v3/activities).
  if (!hasStringId(activity.conversation) || isDotSegment((activity.conversation as { id: string }).id)) missing.push('conversation.id');
  if (!hasStringId(activity.recipient)) missing.push('recipient.id');
  if ((activity.type === 'message' || activity.type === 'invoke') && !hasStringId(activity.from)) missing.push('from.id');
  if (activity.type === 'message' && activity.text !== undefined && typeof activity.text !== 'string') missing.push('text (chaîne)');
  if (activity.type === 'invoke' && typeof activity.name !== 'string') missing.push('name');
  for (const list of ['entities', 'attachments', 'membersAdded', 'membersRemoved'] as const) {
    const items = activity[list];
    if (items !== undefined && (!Array.isArray(items) || items.some((item) => !item || typeof item !== 'object'))) missing.push(`${list} (liste d’objets)`);
  }
  if (missing.length > 0) return { ok: false, error: `${HTTP_ERRORS.missingFields} : ${missing.join(', ')}` };
  return { ok: true, activity: activity as Partial<Activity> };
}

function hasStringId(value: unknown): boolean {
  return Boolean(value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' && (value as { id: string }).id !== '');
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Whether a path segment made of this value would be "." or ".." once percent-encoded (which leaves dots as they are). */
export function isDotSegment(value: string): boolean {
  return value === '.' || value === '..';
}

function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Whether objects and arrays nest deeper than `limit` (iterative: safe on any depth). */
export function depthExceeds(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!node || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
