/**
 * Why an announcement request is refused, with the French text shown to the admin (chat, API, CLI) and
 * the HTTP status the admin API answers. A refusal never sends anything.
 */
export type RefusalCode =
  | 'not-admin'
  | 'empty'
  | 'too-long'
  | 'audience-missing'
  | 'audience-unknown'
  | 'audience-empty'
  | 'audience-too-large'
  | 'channel-disabled'
  | 'directory-unavailable'
  | 'schedule-invalid'
  | 'schedule-past'
  | 'schedule-too-far'
  | 'not-found'
  | 'not-draft'
  | 'draft-expired'
  | 'not-cancellable';

const HTTP_STATUS: Record<RefusalCode, number> = {
  'not-admin': 403,
  'empty': 400,
  'too-long': 413,
  'audience-missing': 400,
  'audience-unknown': 400,
  'audience-empty': 422,
  'audience-too-large': 422,
  'channel-disabled': 422,
  'directory-unavailable': 502,
  'schedule-invalid': 400,
  'schedule-past': 400,
  'schedule-too-far': 400,
  'not-found': 404,
  'not-draft': 409,
  'draft-expired': 409,
  'not-cancellable': 409,
};

export class AnnouncementRefusal extends Error {
  readonly httpStatus: number;

  constructor(
    readonly code: RefusalCode,
    /** French, for the admin. */
    readonly userMessage: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${code}: ${userMessage}`, options);
    this.name = 'AnnouncementRefusal';
    this.httpStatus = HTTP_STATUS[code];
  }
}
