import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAppPackage } from "../../adapters/teams/manifest.js";
import { PasserelleError } from "../../bots/errors.js";
import { parseCommandArgs, UsageError } from "./command.js";
/**
 * `passerelle teams-manifest [--out fichier.zip] [--version x.y.z] [--website-url https://…]`: writes the
 * Teams app package (manifest.json v1.19 with the bot id from TEAMS_APP_ID, French texts and commands, the
 * two icons), ready to upload. Exit 1 with a French message when TEAMS_APP_ID is missing or not a GUID.
 */
export const teamsManifestCommand = {
    async run(args, context) {
        const { values, positionals } = parseCommandArgs(args, {
            out: { type: 'string' },
            version: { type: 'string' },
            'website-url': { type: 'string' },
            'privacy-url': { type: 'string' },
            'terms-url': { type: 'string' },
        });
        if (positionals.length > 0)
            throw new UsageError(`argument inattendu : ${positionals[0]}`);
        const version = values.version ?? packageVersion(context.config.rootDir);
        if (!/^\d+\.\d+\.\d+$/.test(version))
            throw new UsageError('--version attend un numéro de la forme 1.2.3');
        for (const flag of ['website-url', 'privacy-url', 'terms-url']) {
            const url = values[flag];
            if (url !== undefined && !/^https:\/\/\S+$/.test(url))
                throw new UsageError(`--${flag} attend une adresse https://`);
        }
        const zip = buildAppPackage(context.config.teams, {
            version,
            bases: context.config.knowledgeBases,
            ...(values['website-url'] ? { websiteUrl: values['website-url'] } : {}),
            ...(values['privacy-url'] ? { privacyUrl: values['privacy-url'] } : {}),
            ...(values['terms-url'] ? { termsOfUseUrl: values['terms-url'] } : {}),
        });
        const out = resolve(values.out ?? 'passerelle-teams.zip');
        try {
            writeFileSync(out, zip);
        }
        catch (error) {
            throw new PasserelleError('PATH_NOT_FOUND', { path: out }, { cause: error });
        }
        context.out(`Paquet d’application Teams écrit : ${out} (${zip.length} octets). Importez-le dans le centre d’administration Teams ou via « Charger une application personnalisée ».\n`);
        return 0;
    },
};
function packageVersion(rootDir) {
    try {
        const version = JSON.parse(readFileSync(resolve(rootDir, 'package.json'), 'utf8')).version;
        return typeof version === 'string' && /^\d+\.\d+\.\d+$/.test(version) ? version : '1.0.0';
    }
    catch {
        return '1.0.0';
    }
}
