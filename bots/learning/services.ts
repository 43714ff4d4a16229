import { globToRegExp } from '../../knowledge/catalog.ts';
import type { IncomingMessage } from '../message.ts';

/** The service an agent belongs to, for the AI-literacy coverage report: the first configured service that matches. */

export interface ServiceRule {
  name: string;
  /** User-id glob patterns ("*@douane.finances.gouv.fr", "@*:agent.douane.tchap.gouv.fr"). */
  users: readonly string[];
  /** Teams/Entra group ids. */
  groups: readonly string[];
}

export const UNKNOWN_SERVICE = 'non renseigné';

export class ServiceDirectory {
  private readonly rules: Array<{ name: string; users: RegExp[]; groups: ReadonlySet<string> }>;

  constructor(rules: readonly ServiceRule[]) {
    this.rules = rules.map((rule) => ({ name: rule.name, users: rule.users.map(globToRegExp), groups: new Set(rule.groups) }));
  }

  serviceOf(message: Pick<IncomingMessage, 'sender' | 'groups'>): string {
    const rule = this.rules.find((candidate) => candidate.users.some((pattern) => pattern.test(message.sender.id)) || (message.groups ?? []).some((group) => candidate.groups.has(group)));
    return rule?.name ?? UNKNOWN_SERVICE;
  }
}
