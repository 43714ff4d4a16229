import assert from 'node:assert/strict';
import { render } from '../../../bots/learning/explainer.ts';
import { EXAMPLE_SOURCES_WARNING } from '../../../bots/user-messages.ts';
import type { Walkthrough } from '../../../knowledge/learning/article-walkthrough.ts';
import { passage } from '../bot/passages.ts';

const walkthrough = (example: boolean): Walkthrough => ({
  article: passage('EX-NOTE-1', 'Les congés annuels sont posés dans l’outil de gestion avant le 31 mars.', {
    kb: 'hr', title: 'Note RH fictive — congés', headingPath: ['Congés'], ...(example ? { example: true } : {}),
  }).chunk,
  decisive: 'Les congés annuels sont posés dans l’outil de gestion avant le 31 mars.',
  sentences: [],
  omitted: 0,
  definitions: [],
  references: [],
  missing: [],
  versions: { others: [] },
});

describe('explique: a fictional example document is marked as such', () => {
  it('opens with the « EXEMPLE — document fictif » warning answers carry, and titles the source EXEMPLE FICTIF', () => {
    const reply = render(walkthrough(true));
    assert.ok(reply.text.startsWith(`${EXAMPLE_SOURCES_WARNING}\n\n🔎 **Explication pas à pas — Note RH fictive — congés** [1]`), reply.text);
    assert.equal(reply.citations[0]?.title.startsWith('EXEMPLE FICTIF — '), true);
  });

  it('says nothing of the kind for a real text', () => {
    const reply = render(walkthrough(false));
    assert.ok(reply.text.startsWith('🔎 **Explication pas à pas'), reply.text);
    assert.ok(!reply.text.includes('document fictif'));
  });
});
