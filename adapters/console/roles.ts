import { globToRegExp } from '../../knowledge/catalog.ts';

/**
 * The console's roles: `admin` (everything), `curator` (bases, standard answers, feedback and the queue,
 * dashboards), `reader` (dashboards). Each page and action names the roles it needs.
 */
export const ROLES = ['admin', 'curator', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { admin: 'administrateur', curator: 'curateur', reader: 'lecteur' };

/** The areas of the console and who may enter them. */
export const AREAS = {
  overview: ['admin', 'curator', 'reader'],
  curation: ['admin', 'curator'],
  knowledge: ['admin', 'curator'],
  announcements: ['admin'],
  rooms: ['admin'],
  audit: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Area = keyof typeof AREAS;

export function allowed(role: Role, area: Area): boolean {
  return (AREAS[area] as readonly Role[]).includes(role);
}

/** Role rules of one provider: `claim=pattern` or a bare pattern (matched against `defaultClaims`). */
export interface RoleRules {
  admins: readonly string[];
  curators: readonly string[];
  readers: readonly string[];
  defaultClaims: readonly string[];
}

/** The highest role whose rules match the claims, if any. */
export function roleFromClaims(claims: Readonly<Record<string, unknown>>, rules: RoleRules): Role | undefined {
  const matches = (rule: string): boolean => {
    const separator = rule.indexOf('=');
    const names = separator > 0 ? [rule.slice(0, separator).trim()] : rules.defaultClaims;
    const pattern = globToRegExp((separator > 0 ? rule.slice(separator + 1) : rule).trim());
    return names.some((name) => valuesOf(claims[name]).some((value) => pattern.test(value)));
  };
  if (rules.admins.some(matches)) return 'admin';
  if (rules.curators.some(matches)) return 'curator';
  if (rules.readers.some(matches)) return 'reader';
  return undefined;
}

function valuesOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((value): value is string | number => typeof value === 'string' || typeof value === 'number').map(String);
  return typeof claim === 'string' || typeof claim === 'number' || typeof claim === 'boolean' ? [String(claim)] : [];
}
