/**
 * The AI-literacy module (EU AI Act art. 4: deployers ensure their staff's AI literacy): a short French text on
 * what Passerelle is and is not, hallucinations, checking the source, classified data never pasted, no
 * procedural acts — then a five-question check. Content, not code: the administration can reword it here;
 * the test suite checks its shape (five questions, four choices, one right answer, an explanation each).
 */
export const MODULE_TITLE = '🎓 **Formation : bien utiliser un assistant d’IA** (5 minutes)';
export const MODULE_TEXT = [
    MODULE_TITLE,
    '**1. Ce qu’est Passerelle — et ce qu’il n’est pas.** Un assistant qui cherche dans des textes de référence (code des douanes, CIBS, textes RH, procédures) et vous montre les passages qui répondent, avec leur source. Ce n’est ni une autorité, ni un collègue juriste : il ne décide rien, ne connaît pas votre dossier et ne remplace ni votre hiérarchie ni votre cellule juridique.',
    '**2. Les « hallucinations ».** Un modèle de langage peut écrire une phrase fausse avec assurance : une référence inventée, un délai erroné, une règle d’un autre code. Passerelle vérifie ses citations et préfère dire « je n’ai pas trouvé » plutôt que d’inventer, mais une erreur reste possible.',
    '**3. Vérifier la source, toujours.** Chaque réponse commence par la phrase décisive du texte cité, mot pour mot. Lisez l’article (lien Légifrance), vérifiez qu’il est en vigueur et qu’il s’applique à votre situation avant toute décision. « explique » détaille l’article ; « avis » ou 👎 signalent une erreur aux responsables des bases.',
    '**4. Jamais de données classifiées ni de données personnelles inutiles.** Ne collez pas d’extrait de document « Diffusion restreinte » ou plus protégé, ni les noms, adresses ou numéros d’usagers : posez la question en termes généraux. Les échanges sont journalisés sous forme pseudonymisée.',
    '**5. Pas d’actes de procédure.** Passerelle ne rédige ni procès-verbal, ni notification, ni décision : ces actes engagent l’agent qui les signe. Il peut en revanche indiquer les textes qui les encadrent.',
    'Gardez la main sur votre expertise : le **quiz** (« quiz », « quiz titre XII », « quiz article 414 ») vous entraîne sur les textes et vous repose les questions manquées.',
].join('\n\n');
export const CHECK = [
    {
        question: 'Qu’est-ce que Passerelle ?',
        choices: [
            'Un service qui rend des décisions opposables',
            'Un assistant qui cherche dans des textes de référence et cite ses sources',
            'Un moteur de recherche sur Internet',
            'Un juriste qui connaît votre dossier',
        ],
        answer: 1,
        explanation: 'Passerelle cherche dans les bases de textes de la douane et cite les passages ; il ne décide rien et ne connaît pas votre dossier.',
    },
    {
        question: 'Une réponse affirme un délai que l’article cité ne mentionne pas. Que faites-vous ?',
        choices: [
            'Je retiens le délai de la réponse, l’IA a sans doute raison',
            'Je repose la question jusqu’à obtenir la réponse attendue',
            'Je m’en tiens au texte de l’article et je signale l’erreur (👎 ou « avis »)',
            'J’ignore l’article, la réponse est plus récente',
        ],
        answer: 2,
        explanation: 'C’est une « hallucination » : seul le texte fait foi. Le signaler aide les responsables des bases à corriger.',
    },
    {
        question: 'Avant de fonder une décision sur une réponse de Passerelle, vous devez…',
        choices: [
            'lire le texte cité, vérifier qu’il est en vigueur et qu’il s’applique à la situation',
            'vérifier que la réponse est longue et détaillée',
            'demander à Passerelle s’il est sûr de lui',
            'rien de plus, la réponse est vérifiée automatiquement',
        ],
        answer: 0,
        explanation: 'Les citations sont vérifiées, pas l’application à votre cas : la lecture de la source reste la vôtre.',
    },
    {
        question: 'Pouvez-vous coller dans la conversation un extrait de note « Diffusion restreinte » ou l’adresse d’un usager ?',
        choices: [
            'Oui, la conversation est privée',
            'Oui, si je supprime le message ensuite',
            'Oui pour l’adresse, non pour la note',
            'Non : ni document classifié, ni données personnelles inutiles — je pose la question en termes généraux',
        ],
        answer: 3,
        explanation: 'Ce que vous écrivez peut être transmis à un modèle de langage et est journalisé : les données protégées n’y ont pas leur place.',
    },
    {
        question: 'Vous devez rédiger un procès-verbal de saisie. Passerelle peut…',
        choices: [
            'le rédiger entièrement à votre place',
            'vous indiquer les textes qui encadrent le procès-verbal, sans le rédiger',
            'le signer électroniquement',
            'remplir les mentions obligatoires à partir de vos notes',
        ],
        answer: 1,
        explanation: 'Un acte de procédure engage l’agent qui le signe ; une erreur de forme peut entraîner la nullité de la procédure.',
    },
];
/** Right answers needed to pass the check. */
export const PASS_MARK = 4;
