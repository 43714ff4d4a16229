import { globToRegExp } from "../knowledge/catalog.js";
export class AccessPolicy {
    settings;
    catalog;
    allow;
    admins;
    constructor(settings, catalog) {
        this.settings = settings;
        this.catalog = catalog;
        this.allow = settings.allow.map(globToRegExp);
        this.admins = settings.admins.map(globToRegExp);
    }
    mayUse(sender, groups = []) {
        return this.allow.some((pattern) => pattern.test(sender.id)) || groups.some((group) => this.settings.allowGroups.includes(group)) || this.isAdmin(sender, groups);
    }
    isAdmin(sender, groups = []) {
        return this.admins.some((pattern) => pattern.test(sender.id)) || groups.some((group) => this.settings.adminGroups.includes(group));
    }
    allowedBases(sender) {
        return this.catalog.ids.filter((kb) => this.catalog.canAccess(kb, sender.id));
    }
}
