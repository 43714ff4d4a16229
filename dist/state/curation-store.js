/**
 * The curation store port: what curators and administrators decide in the console, as opposed to what the
 * bot records on its own (state-store.ts). Split by concern, like the state store:
 *
 * - standard answers: versions of a curator-written answer to a family of questions, each version proposed
 *   by one curator and published (or rejected) by another; at most one published version per answer;
 * - passage rules: "boost" or "hide" one passage for a family of questions;
 * - handled marks: curation-queue items a curator has dealt with;
 * - the knowledge ledger: the version and last synchronisation of each document, and ingestion failures;
 * - the admin journal: who did what in the console (sign-ins, announcements, curation).
 *
 * Two implementations share one contract suite (test/contract/curation-store.contract.ts): SQLite
 * (embedded default, `curation.sqlite` in the data directory) and PostgreSQL (the state store's database).
 */
export {};
