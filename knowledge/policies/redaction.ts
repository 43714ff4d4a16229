/**
 * Redacts obvious personal data from text before it leaves for an external service (embedder, chat
 * model): e-mail addresses, phone numbers, IBANs, EORI/SIRET/SIREN numbers, French plate numbers.
 * Conservative by design: article numbers, dates and amounts are left alone.
 */

interface Rule {
  label: string;
  pattern: RegExp;
}

const RULES: Rule[] = [
  { label: 'courriel', pattern: /[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.[a-z]{2,}/giu },
  { label: 'EORI', pattern: /\b(?:FR|DE|BE|IT|ES|NL|LU|PT|AT|IE|GB|XI)[ ]?\d{9,15}\b/g },
  { label: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g },
  { label: 'SIRET', pattern: /\b\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}\b/g },
  { label: 'SIREN', pattern: /\b(?:siren|siret|n° ?siren)\s*:?\s*\d{3}[ .]?\d{3}[ .]?\d{3}\b/gi },
  { label: 'téléphone', pattern: /(?<![\d])(?:\+33[ .]?|0033[ .]?|0)[1-9](?:[ .-]?\d{2}){4}(?![\d])/g },
  { label: 'immatriculation', pattern: /\b[A-HJ-NP-TV-Z]{2}[- ]?\d{3}[- ]?[A-HJ-NP-TV-Z]{2}\b/g },
  { label: 'immatriculation', pattern: /\b\d{1,4}[ ]?[A-Z]{2,3}[ ]?(?:\d{2}|2A|2B|97[1-6])\b/g },
];

export interface Redaction {
  text: string;
  /** Labels of what was redacted, for the audit log (never the values). */
  redacted: string[];
}

export function redactPersonalData(text: string): Redaction {
  const redacted: string[] = [];
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, () => {
      redacted.push(rule.label);
      return `[donnée masquée : ${rule.label}]`;
    });
  }
  return { text: result, redacted };
}

/** The text with personal data removed altogether (for measuring how well passages cover a question). */
export function withoutPersonalData(text: string): string {
  let result = text;
  for (const rule of RULES) result = result.replace(rule.pattern, ' ');
  return result;
}
