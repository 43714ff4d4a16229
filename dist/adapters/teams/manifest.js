import { strToU8, zipSync } from 'fflate';
import { PasserelleError } from "../../bots/errors.js";
import { colorIcon, outlineIcon } from "./png.js";
import { CONFIG_ERRORS, MANIFEST_TEXTS } from "./teams-messages.js";
/**
 * The Teams app package: a zip with manifest.json (schema v1.19), color.png (192×192) and outline.png
 * (32×32) at its root, ready to upload in the Teams admin centre or "Upload a custom app". The bot id and
 * the app id are the Entra app registration's id (config.teams.appId, a GUID). No botbuilder import here:
 * the CLI loads this module at start.
 */
const MANIFEST_VERSION = '1.19';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPES = ['personal', 'team', 'groupChat'];
/** manifest.json as an object; throws CONFIG_INVALID (French) when the app id is missing or not a GUID. */
export function buildManifest(teams, options) {
    const appId = teams.appId?.trim();
    if (!appId)
        throw new PasserelleError('CONFIG_INVALID', { problems: CONFIG_ERRORS.manifestAppId });
    if (!GUID.test(appId))
        throw new PasserelleError('CONFIG_INVALID', { problems: CONFIG_ERRORS.manifestAppIdFormat });
    const website = options.websiteUrl ?? 'https://www.douane.gouv.fr';
    return {
        $schema: MANIFEST_SCHEMA,
        manifestVersion: MANIFEST_VERSION,
        version: options.version,
        id: appId,
        developer: {
            name: MANIFEST_TEXTS.developerName,
            websiteUrl: website,
            privacyUrl: options.privacyUrl ?? `${website.replace(/\/+$/, '')}/mentions-legales`,
            termsOfUseUrl: options.termsOfUseUrl ?? `${website.replace(/\/+$/, '')}/mentions-legales`,
        },
        name: { short: (teams.botName || MANIFEST_TEXTS.shortName).slice(0, 30), full: MANIFEST_TEXTS.fullName.slice(0, 100) },
        description: { short: MANIFEST_TEXTS.shortDescription.slice(0, 80), full: MANIFEST_TEXTS.fullDescription.slice(0, 4000) },
        icons: { color: 'color.png', outline: 'outline.png' },
        accentColor: '#000091',
        localizationInfo: { defaultLanguageTag: 'fr-fr' },
        bots: [
            {
                botId: appId,
                scopes: [...SCOPES],
                // Lets users send files to the bot in personal chats (file.download.info attachments, for summaries).
                supportsFiles: true,
                isNotificationOnly: false,
                commandLists: [
                    {
                        scopes: [...SCOPES],
                        commands: [...MANIFEST_TEXTS.commands, ...baseCommands(options.bases)].map((command) => ({ title: command.title.slice(0, 32), description: command.description.slice(0, 128) })),
                    },
                ],
            },
        ],
        permissions: ['identity', 'messageTeamMembers'],
        validDomains: [],
        // Resource-specific consent: reading the chat or channel thread it is installed in, for « résume la conversation ».
        webApplicationInfo: { id: appId, resource: 'https://RscBasedStoreApp' },
        authorization: {
            permissions: {
                resourceSpecific: [
                    { name: 'ChatMessage.Read.Chat', type: 'Application' },
                    { name: 'ChannelMessage.Read.Group', type: 'Application' },
                ],
            },
        },
    };
}
/** `code:` — « Question : Code des douanes et textes liés », one per base that has a prefix. */
function baseCommands(bases) {
    return bases.flatMap((kb) => (kb.prefixes[0] ? [{ title: `${kb.prefixes[0]}:`, description: MANIFEST_TEXTS.baseCommand(kb.name) }] : []));
}
/** The zip (manifest.json, color.png, outline.png at the root). */
export function buildAppPackage(teams, options) {
    const manifest = buildManifest(teams, options);
    return zipSync({
        'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
        'color.png': new Uint8Array(colorIcon()),
        'outline.png': new Uint8Array(outlineIcon()),
    }, { level: 9, mtime: new Date('2024-01-01T00:00:00Z') });
}
