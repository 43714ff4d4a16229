import assert from 'node:assert/strict';
import { conversationSummary, isBotRequest } from '../../../worker/summarisation/conversation-digest.ts';
import { conversationSections } from '../../../worker/summarisation/summary-sources.ts';

/** A conversation summary that reads well: every member, the decisions, one message per unit. */

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 8, minute)).toISOString();
const CONVERSATION = [
  { sender: 'Claire Morel', text: 'Bonjour à tous, point sur le dossier du camion bloqué au péage de Saint-Arnoult', at: at(0) },
  { sender: 'Yann Le Gall', text: 'Le chauffeur dit transporter des pièces détachées mais le manifeste parle de textiles', at: at(2) },
  { sender: 'Claire Morel', text: 'Il faut demander les factures et le bon de livraison au transporteur avant ce soir', at: at(3) },
  { sender: 'Inès Benali', text: 'ok', at: at(4) },
  { sender: 'Yann Le Gall', text: 'La retenue douanière peut durer 24 heures, on la prolonge seulement si le parquet est d’accord', at: at(6) },
  { sender: 'Inès Benali', text: 'Je m’occupe de contacter le parquet dès que possible', at: at(7) },
  { sender: 'Claire Morel', text: 'Réunion de point demain à 9 h 30 dans la salle du bureau de Saclay', at: at(9) },
  { sender: 'Marc Dufour', text: 'Je ne pourrai pas être là demain matin, je vous lis ici', at: at(10) },
  { sender: 'Yann Le Gall', text: 'Le scanner a montré des cartons homogènes sur toute la remorque', at: at(12) },
  { sender: 'Marc Dufour', text: 'Pensez à photographier les scellés avant toute ouverture de la remorque', at: at(13) },
  { sender: 'Inès Benali', text: 'Bien noté', at: at(14) },
  { sender: 'Claire Morel', text: 'Merci à tous', at: at(15) },
  { sender: 'Yann Le Gall', text: 'résume la conversation', at: at(16) },
  { sender: 'Marc Dufour', text: 'Passerelle tâches', at: at(17) },
  { sender: 'Inès Benali', text: 'Le dossier sera transmis au service contentieux sous 48 heures après la visite', at: at(18) },
];

describe('conversation summary (extractive)', () => {
  const summary = conversationSummary(CONVERSATION, 'court').markdown;

  it('names every participant and leaves out the requests to the bot', () => {
    assert.match(summary, /^\*\*Résumé court — Conversation \(13 messages, 06\/12\/2026\)\*\*/);
    assert.match(summary, /\*\*Participants\*\* : Claire Morel \(4\), Yann Le Gall \(3\), Inès Benali \(4\), Marc Dufour \(2\)/);
    assert.ok(!summary.split('\n').some((line) => line.startsWith('- ') && /résume la conversation|tâches/.test(line)), summary);
    for (const sender of ['Claire Morel', 'Yann Le Gall', 'Inès Benali', 'Marc Dufour']) {
      assert.ok(summary.split('\n').some((line) => line.startsWith('- ') && line.includes(sender)), `${sender} has a line: ${summary}`);
    }
  });

  it('lists the decisions: the meeting time, the documents to request, the durations', () => {
    const decisions = summary.split('**Décisions et points à retenir**')[1]?.split('\n\n')[0] ?? '';
    assert.match(decisions, /Il faut demander les factures et le bon de livraison au transporteur avant ce soir — _Claire Morel, 09:03_/);
    assert.match(decisions, /Réunion de point demain à 9 h 30/);
    assert.match(decisions, /peut durer 24 heures/);
    assert.match(decisions, /sous 48 heures après la visite/);
  });

  it('keeps each message whole and apart (no final punctuation is no reason to merge), the day said once', () => {
    assert.ok(summary.includes('- Claire Morel : Bonjour à tous, point sur le dossier du camion bloqué au péage de Saint-Arnoult\n') || !summary.includes('Saint-Arnoult Le chauffeur'));
    assert.doesNotMatch(summary, /Saint-Arnoult Le chauffeur|textiles Il faut/);
    assert.doesNotMatch(summary, /\(2026-12-06\)|06\/12\/2026 \(/);
    assert.doesNotMatch(summary, /^#/m);
  });

  it('gives the model one line per message, each ending as a sentence, without the requests to the bot', () => {
    const { sections, people } = conversationSections(CONVERSATION, 'Conversation');
    assert.equal(sections.length, 1);
    assert.equal(sections[0]?.heading, 'Échanges du 06/12/2026');
    assert.match(sections[0]?.text ?? '', /^Claire Morel : Bonjour à tous, point sur le dossier du camion bloqué au péage de Saint-Arnoult\.\nYann Le Gall : Le chauffeur/);
    assert.doesNotMatch(sections[0]?.text ?? '', /résume la conversation/);
    assert.deepEqual(people, ['Claire Morel', 'Yann Le Gall', 'Inès Benali', 'Marc Dufour']);
  });

  it('recognises requests to the bot', () => {
    for (const text of ['résume la conversation', 'Résume la conversation en détail', '@passerelle résume ce fil', 'tâches', 'annule res-doc-12', 'aide']) assert.ok(isBotRequest(text), text);
    for (const text of ['Le résumé du PV est prêt', 'Aidez-moi à porter les cartons', 'On annulera la visite si besoin']) assert.ok(!isBotRequest(text), text);
  });
});
