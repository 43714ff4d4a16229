import { globToRegExp } from "../../knowledge/catalog.js";
export const UNKNOWN_SERVICE = 'non renseigné';
export class ServiceDirectory {
    rules;
    constructor(rules) {
        this.rules = rules.map((rule) => ({ name: rule.name, users: rule.users.map(globToRegExp), groups: new Set(rule.groups) }));
    }
    serviceOf(message) {
        const rule = this.rules.find((candidate) => candidate.users.some((pattern) => pattern.test(message.sender.id)) || (message.groups ?? []).some((group) => candidate.groups.has(group)));
        return rule?.name ?? UNKNOWN_SERVICE;
    }
}
