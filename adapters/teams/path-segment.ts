/**
 * One URL path segment from an identifier that comes from outside (conversation, activity, user, team ids).
 * `encodeURIComponent` escapes "/", "?", "#" and "%", but leaves dots: an id "." or ".." would be a dot
 * segment, which URL parsing resolves (`/v3/conversations/../activities` → `/v3/activities`). Those are refused.
 */
export function pathSegment(id: string): string {
  if (id === '' || id === '.' || id === '..') throw new RangeError(`identifier unusable as a URL path segment: "${id}"`);
  return encodeURIComponent(id);
}
