import type { Classification } from '../../knowledge/types.ts';

/** The agent as learning mode sees them: a pseudonym of its own, their service, what they may read, where they are. */
export interface Learner {
  /** HMAC of `learning:${channel}:${user id}`: not the audit log's pseudonym, so results cannot be joined to questions. */
  hash: string;
  service: string;
  allowedKbs: string[];
  clearance: Classification;
  conversationKey: string;
  isAdmin: boolean;
}
