/**
 * French sentences specific to the Teams channel: the texts of the HTTP endpoint's refusals (read by
 * administrators in logs and tools) and the manifest's texts. Everything the bot says lives in
 * bots/user-messages.ts.
 */
/** Bodies of the endpoint's 4xx answers. */
export const HTTP_ERRORS = {
    notFound: 'Ressource introuvable. Points d’accès : POST /api/messages, GET /healthz.',
    methodNotAllowed: 'Méthode non autorisée sur ce point d’accès.',
    unsupportedMediaType: 'Le corps de la requête doit être du JSON (Content-Type: application/json).',
    tooLarge: 'Requête trop volumineuse.',
    malformedJson: 'Le corps de la requête n’est pas un JSON valide.',
    notAnActivity: 'Le corps de la requête n’est pas une activité Bot Framework (champ « type » manquant).',
    unknownType: 'Type d’activité inconnu',
    missingFields: 'Activité incomplète : champs requis manquants',
    unauthenticated: 'Authentification requise : jeton Bot Framework absent ou invalide.',
    forbiddenTenant: 'Ce locataire Microsoft 365 n’est pas autorisé à utiliser Passerelle.',
    forbiddenServiceUrl: 'En mode local anonyme, seules les adresses de service locales (127.0.0.1, localhost) sont acceptées.',
    notStarted: 'Passerelle démarre : réessayez dans quelques instants.',
    unsupportedInvoke: 'Action non prise en charge par Passerelle.',
};
/** Configuration problems found by the Teams factory and the manifest command. */
export const CONFIG_ERRORS = {
    productionWithoutCredentials: 'en production, TEAMS_APP_ID, TEAMS_TENANT_ID et un secret (TEAMS_APP_PASSWORD) ou un certificat sont requis : le mode anonyme est réservé au poste de développement',
    missingTenant: 'TEAMS_TENANT_ID est requis avec TEAMS_APP_ID (application à locataire unique)',
    missingSecret: 'TEAMS_APP_PASSWORD ou un certificat (TEAMS_CERTIFICATE_THUMBPRINT et TEAMS_CERTIFICATE_KEY_FILE) est requis avec TEAMS_APP_ID',
    incompleteCertificate: 'TEAMS_CERTIFICATE_THUMBPRINT et TEAMS_CERTIFICATE_KEY_FILE vont ensemble',
    unreadableKeyFile: 'le fichier de clé privée du certificat Teams est illisible',
    insecureAuthority: 'l’autorité d’authentification doit être en https (http n’est accepté que sur 127.0.0.1 ou localhost, pour les tests)',
    manifestAppId: 'TEAMS_APP_ID est requis pour générer le manifeste Teams (identifiant de l’application Entra du bot)',
    manifestAppIdFormat: 'TEAMS_APP_ID doit être l’identifiant (GUID) de l’application Entra du bot, par exemple 00000000-0000-0000-0000-000000000000',
};
/** Texts of the Teams app manifest (manifest.json). */
export const MANIFEST_TEXTS = {
    shortName: 'Passerelle',
    fullName: 'Passerelle — assistant documentaire des douanes',
    shortDescription: 'Réponses sourcées sur le code des douanes, les RH et les procédures.',
    fullDescription: 'Passerelle répond aux questions des agents des douanes en citant ses sources : code des douanes, ressources ' +
        'humaines et procédures internes. Assistant fondé sur l’intelligence artificielle : vérifiez toujours la source ' +
        'avant toute décision. Il ne rédige pas d’actes de procédure.',
    developerName: 'Direction générale des douanes et droits indirects',
    commands: [
        { title: 'aide', description: 'Liste des commandes et des bases de connaissances' },
        { title: 'sources', description: 'Les sources de ma dernière réponse' },
        { title: 'oublie', description: 'J’oublie notre conversation' },
        { title: 'avis', description: 'Transmettre une remarque aux responsables des bases' },
    ],
    /** Description of a base's prefix command (the bases come from the catalogue). */
    baseCommand: (name) => `Question : ${name}`,
};
