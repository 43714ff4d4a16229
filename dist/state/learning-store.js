/**
 * The learning store port: what Passerelle keeps of each agent's learning — the AI-literacy training taken,
 * quiz answers and the spaced-repetition state of each item, the quiz or training in progress — under a
 * pseudonym of its own (HMAC of the channel user id, in a domain distinct from the audit log's, so results
 * cannot be joined to questions asked). An agent reads only their own records; administrators read only the
 * aggregate methods, which return counts per service or per base and never a pseudonym (the core then hides
 * groups too small to stay anonymous). Two implementations share one contract suite
 * (test/contract/learning-store.contract.ts): SQLite (embedded default) and PostgreSQL (production).
 */
export {};
