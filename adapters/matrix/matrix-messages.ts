/**
 * Every French sentence specific to the Tchap (Matrix) channel. Core sentences live in bots/user-messages.ts.
 * Wording: plain French, vouvoiement.
 */

/** Label added under AI-generated answers. */
export const AI_LABEL = 'Contenu généré par IA (Passerelle) — vérifiez les sources citées.';

/** Heading of the list of sources. */
export const SOURCES_HEADING = 'Sources';

/** Invitation to rate an answer with a reaction. */
export const FEEDBACK_HINT = 'Votre avis nous aide : réagissez à cette réponse avec 👍 ou 👎.';

/** Under the numbered choices of a quiz question. */
export const CHOICE_HINT = 'Répondez par le numéro de votre choix.';

/** Line listing the suggested follow-up commands. */
export function suggestions(actions: readonly string[]): string {
  return `Commandes utiles : ${actions.map((action) => `« ${action} »`).join(', ')}`;
}

/** The stored session was refused by the homeserver (token revoked): an administrator must act. */
export function sessionRejected(sessionFile: string): string {
  return (
    `Le serveur Tchap/Matrix a refusé la session enregistrée (${sessionFile}) : jeton révoqué ou expiré. ` +
    'Passerelle ne crée pas de nouvel appareil sans vous : supprimez ce fichier (et le dossier matrix/ si ' +
    'l’appareil a été supprimé) puis redémarrez, ou fournissez MATRIX_ACCESS_TOKEN et MATRIX_DEVICE_ID.'
  );
}

/** Configuration points to a different account than the stored session (for the administrator). */
export function sessionMismatch(sessionFile: string, storedUser: string, configuredUser: string): string {
  return (
    `La session enregistrée (${sessionFile}) appartient à ${storedUser}, mais la configuration indique ` +
    `${configuredUser}. Utilisez un autre dossier de données ou supprimez le dossier matrix/.`
  );
}

/** Login impossible (for the administrator). */
export function loginFailed(userId: string, reason: string): string {
  return `Connexion à Tchap/Matrix impossible pour ${userId} : ${reason}.`;
}

/**
 * A new device of an account whose secrets (cross-signing keys, key backup) are locked by a recovery key this
 * machine does not have (for the administrator).
 */
export function recoveryKeyMissing(userId: string, recoveryFile: string): string {
  return (
    `Le compte ${userId} a déjà une signature croisée et une sauvegarde des clés, protégées par une clé de ` +
    `récupération absente de cette machine (${recoveryFile}) : ce nouvel appareil n’est pas signé et ne peut ` +
    'pas lire l’historique chiffré. Donnez la clé de récupération : « passerelle matrix restore --recovery-key ' +
    '<fichier> » (bot arrêté), ou MATRIX_RECOVERY_KEY_FILE puis redémarrez.'
  );
}
