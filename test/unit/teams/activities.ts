/**
 * Teams-shaped activities as the Teams service posts them to a bot (Bot Framework schema, msteams channel
 * data), for the mapper unit tests and the end-to-end tests. Shapes follow captures published in Microsoft's
 * Teams documentation (personal chat, channel thread with @mention, group chat, installation, feedback).
 */

export const BOT = { id: '28:00000000-0000-0000-0000-00000000b07', name: 'Passerelle' };
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const USER = { id: '29:1a2b3c-user-one', name: 'Camille Martin', aadObjectId: '6f1e2d3c-0000-4000-8000-000000000001' };
export const OTHER_USER = { id: '29:9z8y7x-user-two', name: 'Dominique Durand', aadObjectId: '6f1e2d3c-0000-4000-8000-000000000002' };
export const PERSONAL_CONVERSATION = 'a:1PersonalChatWithPasserelle';
export const CHANNEL = '19:4b0fa2f2b1c14d2a@thread.tacv2';
export const TEAM = '19:team-general-7c1e@thread.tacv2';
export const THREAD_ROOT = '1712345678901';
export const GROUP_CHAT = '19:meeting-group-chat-3a5f@thread.v2';

let sequence = 1_712_000_000_000;
const nextId = () => String(++sequence);

type Activity = Record<string, unknown>;

function base(serviceUrl: string, conversation: Activity, overrides: Activity = {}): Activity {
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation: { tenantId: TENANT, ...conversation },
    recipient: BOT,
    locale: 'fr-FR',
    channelData: { tenant: { id: TENANT } },
    ...overrides,
  };
}

const clientInfo = { type: 'clientInfo', locale: 'fr-FR', country: 'FR', platform: 'Web', timezone: 'Europe/Paris' };

export function personalMessage(serviceUrl: string, text: string, overrides: Activity = {}): Activity {
  return base(serviceUrl, { conversationType: 'personal', id: PERSONAL_CONVERSATION }, { type: 'message', text, textFormat: 'plain', entities: [clientInfo], ...overrides });
}

/** A channel message in an existing thread, mentioning the bot first. */
export function channelMention(serviceUrl: string, question: string, overrides: Activity = {}): Activity {
  const mention = `<at>${BOT.name}</at>`;
  return base(
    serviceUrl,
    { isGroup: true, conversationType: 'channel', id: `${CHANNEL};messageid=${THREAD_ROOT}` },
    {
      type: 'message',
      text: `${mention} ${question}`,
      textFormat: 'plain',
      entities: [{ type: 'mention', text: mention, mentioned: BOT }, clientInfo],
      channelData: { teamsChannelId: CHANNEL, teamsTeamId: TEAM, channel: { id: CHANNEL }, team: { id: TEAM }, tenant: { id: TENANT } },
      ...overrides,
    },
  );
}

export function groupChatMessage(serviceUrl: string, text: string, overrides: Activity = {}): Activity {
  return base(serviceUrl, { isGroup: true, conversationType: 'groupChat', id: GROUP_CHAT }, { type: 'message', text, textFormat: 'plain', entities: [clientInfo], ...overrides });
}

/** The bot added to a personal chat (conversationUpdate), as sent on installation. */
export function personalInstall(serviceUrl: string): Activity {
  return base(serviceUrl, { conversationType: 'personal', id: PERSONAL_CONVERSATION }, { type: 'conversationUpdate', membersAdded: [{ id: BOT.id }] });
}

export function personalInstallationUpdate(serviceUrl: string, action: 'add' | 'remove'): Activity {
  return base(serviceUrl, { conversationType: 'personal', id: PERSONAL_CONVERSATION }, { type: 'installationUpdate', action });
}

/** The bot added to a team (General channel conversation, no thread). */
export function teamInstall(serviceUrl: string): Activity {
  return base(
    serviceUrl,
    { isGroup: true, conversationType: 'channel', id: TEAM },
    { type: 'conversationUpdate', membersAdded: [{ id: BOT.id }], channelData: { team: { id: TEAM, name: 'Brigade de Roissy' }, eventType: 'teamMemberAdded', tenant: { id: TENANT } } },
  );
}

/** 👍/👎 with the default feedback form. */
export function feedbackInvoke(serviceUrl: string, replyToId: string, reaction: 'like' | 'dislike', feedbackText?: string): Activity {
  return base(
    serviceUrl,
    { conversationType: 'personal', id: PERSONAL_CONVERSATION },
    {
      type: 'invoke',
      name: 'message/submitAction',
      replyToId,
      value: { actionName: 'feedback', actionValue: { reaction, feedback: JSON.stringify(feedbackText === undefined ? {} : { feedbackText }) } },
    },
  );
}
