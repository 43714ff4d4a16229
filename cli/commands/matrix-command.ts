import type { Readable } from 'node:stream';
import { PasserelleError } from '../../bots/errors.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';
import type { CliContext } from '../cli-context.ts';

/**
 * `passerelle matrix restore --recovery-key <fichier|->`: the bot's Tchap device restored on a new machine (or
 * after losing the data directory) from the account's recovery key — the `matrix/recovery-key.json` written
 * at the first start, or the key itself; `-` reads it from standard input. Run with the bot stopped. Logs in a
 * new device (unless the data directory has a session), checks the key against the account's secret storage
 * (a wrong key changes nothing), cross-signs the device and imports the room keys of the key backup.
 */
export const matrixCommand: Command = {
  run: (args, context) => runMatrixCommand(args, context, process.stdin),
};

/** The command with its standard input injectable (tests). */
export async function runMatrixCommand(args: string[], context: CliContext, stdin: Readable): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'recovery-key': { type: 'string' } });
  if (positionals[0] !== 'restore' || positionals.length > 1) throw new UsageError('Sous-commande attendue : « passerelle matrix restore --recovery-key <fichier|-> ».');
  const source = values['recovery-key'];
  if (!source) throw new UsageError('--recovery-key attend le fichier de la clé de récupération (recovery-key.json ou la clé seule), ou « - » pour la lire sur l’entrée standard.');
  const { matrix } = context.config;
  const missing = [!matrix.homeserverUrl && 'MATRIX_HOMESERVER_URL', !matrix.userId && 'MATRIX_USER_ID', !matrix.password && !matrix.accessToken && 'MATRIX_PASSWORD ou MATRIX_ACCESS_TOKEN'].filter(Boolean);
  if (missing.length > 0) throw new PasserelleError('CONFIG_INVALID', { problems: `${missing.join(', ')} requis pour restaurer l’appareil Tchap` });
  const { parseRecoveryKey, readRecoveryKeyFile, restoreMatrixDevice } = await import('../../adapters/matrix/restore.ts');
  const recoveryKey = source === '-' ? parseRecoveryKey(await readAll(stdin), 'l’entrée standard') : readRecoveryKeyFile(source);
  const report = await restoreMatrixDevice(context.config, context.logger, recoveryKey, source === '-' ? 'l’entrée standard' : source);
  context.out(
    `Appareil ${report.deviceId} du compte ${report.userId} restauré.\n` +
      `- Signature croisée : ${report.crossSigned ? 'appareil signé par la clé du compte' : 'NON SIGNÉ (voir le journal)'}\n` +
      `- Sauvegarde des clés : ${report.backupVersion ? `version ${report.backupVersion}, ${report.imported} clé(s) de salon importée(s) sur ${report.total}` : 'aucune'}\n` +
      'Démarrez le bot (passerelle serve) sur ce dossier de données : il reprend cet appareil.\n',
  );
  return report.crossSigned ? 0 : 1;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
