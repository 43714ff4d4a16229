import { foldText } from '../../knowledge/analysis/normalise.ts';
import { summaryTitle } from './extractive-summariser.ts';
import type { SummaryResult } from './summary-types.ts';

/**
 * A conversation summarised without a model, as a colleague would: who took part, what was decided (times,
 * dates, durations, documents to request, who does what), then what each participant said that matters,
 * day by day. Each message is a unit of its own (a message without final punctuation is never run into the
 * next one); requests to the bot ("résume la conversation", "tâches"…) are not part of the conversation.
 */

export interface ConversationMessage {
  sender: string;
  text: string;
  at: string;
}

const BUDGET = { court: { perSender: 2, decisions: 6, total: 10 }, detaille: { perSender: 6, decisions: 15, total: 40 } } as const;
/** A message longer than this is given by its most informative sentences. */
const LONG_MESSAGE = 280;

/** Requests to the bot, in folded text: commands, or the bot addressed by name at the start. */
const BOT_REQUEST = /^(?:@?passerelle\b[\s:,]*)?(?:resume|résume|resumer|résumer|taches|tâches|annule|aide|sources|quiz|explique|oublie|avis)\b/;

const TIME = /\b(?:\d{1,2}\s?h(?:\s?\d{2})?|\d{1,2}:\d{2}|midi|minuit|(?:une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf|vingt)\s+heures?)\b/i;
const DATE = /\b(?:demain|apres-demain|après-demain|aujourd'hui|ce (?:matin|soir|midi)|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?|\d{1,2}(?:er)? (?:janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre))\b/i;
const DURATION = /\b(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|dix|douze|quinze|vingt|trente|quarante-huit|soixante-douze)\s+(?:minutes?|heures?|jours?|semaines?|mois|ans?)\b/i;
const DOCUMENTS = /\b(?:demander|réclamer|reclamer|fournir|produire|transmettre|envoyer|joindre|obtenir|récupérer|recuperer)\b.*\b(?:factures?|justificatifs?|documents?|pièces?|pieces?|certificats?|déclarations?|declarations?|procès-verbal|proces-verbal|procès-verbaux|pv|copies?|relevés?|releves?|contrats?|bons? de livraison|titres? de transport|passeport|carte d'identité)\b/i;
const DECISION = /\b(?:on (?:fait|part sur|retient|garde|décide|decide)|(?:c'est )?(?:décidé|decide|convenu|validé|valide|acté|entendu|d'accord|ok pour)|je m'en (?:charge|occupe)|je (?:prépare|prepare|rédige|redige|transmets|préviens|previens|m'occupe|demande|appelle|contacte)|rendez-vous|réunion|reunion|rdv|on se retrouve|il faut|nous devons|à faire|a faire)\b/i;

export function conversationSummary(messages: readonly ConversationMessage[], length: 'court' | 'detaille'): SummaryResult {
  const kept = messages.filter((message) => !isBotRequest(message.text) && message.text.trim() !== '');
  const budget = BUDGET[length];
  const senders = [...new Set(kept.map((message) => message.sender))];
  const days = [...new Set(kept.map((message) => parisTime(message.at).day))];
  const title = `Conversation (${kept.length} message${kept.length > 1 ? 's' : ''}${days.length === 1 && days[0] ? `, ${days[0]}` : ''})`;
  const lines = [summaryTitle({ title, length }), ''];
  if (kept.length === 0) {
    lines.push('_La conversation ne contient pas de message à résumer (seulement des demandes adressées à Passerelle)._');
    return { markdown: lines.join('\n'), method: 'extractive', inputTokens: 0, outputTokens: 0 };
  }
  const counts = senders.map((sender) => `${sender} (${kept.filter((message) => message.sender === sender).length})`);
  lines.push(`**Participants** : ${counts.join(', ')}`, '');

  const units = kept.map((message, index) => ({ index, message, text: shortened(message.text), weight: decisionWeight(message.text) }));
  const decisions = units.filter((unit) => unit.weight >= 2).sort((a, b) => b.weight - a.weight || a.index - b.index).slice(0, budget.decisions).sort((a, b) => a.index - b.index);
  if (decisions.length > 0) {
    lines.push('**Décisions et points à retenir**');
    for (const unit of decisions) lines.push(`- ${unit.text} — _${unit.message.sender}, ${when(unit.message.at, days.length > 1)}_`);
    lines.push('');
  }

  // Then what each participant said that matters most, so that nobody is left out.
  const shown = new Set(decisions.map((unit) => unit.index));
  const chosen = new Set<number>();
  for (const sender of senders) {
    const theirs = units.filter((unit) => unit.message.sender === sender && !shown.has(unit.index)).sort((a, b) => informativeness(b.message.text) - informativeness(a.message.text) || a.index - b.index);
    const already = decisions.filter((unit) => unit.message.sender === sender).length;
    for (const unit of theirs.slice(0, Math.max(already > 0 ? 0 : 1, budget.perSender - already))) chosen.add(unit.index);
  }
  const room = Math.max(budget.total - decisions.length, senders.length);
  const ordered = [...chosen].sort((a, b) => a - b);
  let exchanges = ordered;
  if (ordered.length > room) {
    // Over budget: every participant keeps one message, the others follow in order.
    const oneEach = new Set(senders.map((sender) => ordered.find((index) => units[index]?.message.sender === sender)).filter((index): index is number => index !== undefined));
    exchanges = [...oneEach, ...ordered.filter((index) => !oneEach.has(index)).slice(0, Math.max(0, room - oneEach.size))].sort((a, b) => a - b);
  }
  if (exchanges.length > 0) {
    for (const day of days) {
      const ofDay = exchanges.filter((index) => parisTime(units[index]?.message.at ?? '').day === day);
      if (ofDay.length === 0) continue;
      lines.push(days.length > 1 ? `**Échanges du ${day}**` : '**Échanges**');
      for (const index of ofDay) {
        const unit = units[index]!;
        lines.push(`- ${unit.message.sender} : ${unit.text}`);
      }
      lines.push('');
    }
  }
  const left = kept.length - decisions.length - exchanges.length;
  if (left > 0) lines.push(`_${left} autre${left > 1 ? 's' : ''} message${left > 1 ? 's' : ''} non repris${length === 'court' ? ' (« résume la conversation en détail » pour un résumé plus complet)' : ''}._`);
  lines.push('_Résumé extractif : messages repris tels quels, sans reformulation._');
  return { markdown: lines.join('\n').trim(), method: 'extractive', inputTokens: 0, outputTokens: 0 };
}

/** Whether a message is a request to the bot rather than part of the conversation. */
export function isBotRequest(text: string): boolean {
  return BOT_REQUEST.test(foldText(text).trim().replace(/^[!/]/, ''));
}

/** How much a message decides: a time, a date, a duration, documents to request, a commitment. */
function decisionWeight(raw: string): number {
  const text = raw.replace(/[\u2019\u02bc]/g, "'");
  return (TIME.test(text) ? 2 : 0) + (DATE.test(text) ? 0.5 : 0) + (DURATION.test(text) ? 2 : 0) + (DOCUMENTS.test(text) ? 2 : 0) + (DECISION.test(text) ? 1 : 0);
}

function informativeness(text: string): number {
  const words = foldText(text).match(/\p{L}{4,}/gu) ?? [];
  return new Set(words).size + decisionWeight(text) * 3;
}

/** A message as it was written, or its most informative sentences when it is long (whole sentences only). */
function shortened(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= LONG_MESSAGE) return flat;
  const sentences = flat.match(/[^.!?]+[.!?]+(?=\s|$)|[^.!?]+$/g)?.map((sentence) => sentence.trim()) ?? [flat];
  const best = sentences
    .map((sentence, index) => ({ sentence, index, score: informativeness(sentence) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 2)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.sentence);
  return best.length < sentences.length ? `${best.join(' ')} […]` : flat;
}

const PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Day ("12/03/2026") and time ("10:42") in France, where agents read them; the raw text when not a date. */
function parisTime(at: string): { day: string; time: string } {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return { day: at.slice(0, 10), time: '' };
  const parts = Object.fromEntries(PARIS.formatToParts(date).map((part) => [part.type, part.value]));
  return { day: `${parts.day}/${parts.month}/${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

function when(at: string, withDay: boolean): string {
  const { day, time } = parisTime(at);
  return withDay ? `${day.slice(0, 5)} ${time}` : time;
}
