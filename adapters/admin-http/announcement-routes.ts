import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecipientRecord, RecipientStatus } from '../../state/announcement-store.ts';
import type { AnnouncementService, Prepared } from '../../bots/announcements/announcement-service.ts';
import { STATUS_LABELS } from '../../bots/announcements/messages.ts';
import { reportCsv } from '../../bots/announcements/report-csv.ts';
import { HttpProblem, readJsonObject, sendJson } from './http-io.ts';

/**
 * The announcement resources of the admin API (authentication is done before, by the server):
 *
 *   POST   /admin/announcements                  {to, markdown, at?, preview?} → 201 sent or scheduled
 *                                                 (preview: true → 200 draft, confirmed by …/confirm)
 *   POST   /admin/announcements/:id/confirm      → 200 sent or scheduled
 *   GET    /admin/announcements/:id              → 200 status, counts, recipients (?after=&limit=&statut=)
 *   GET    /admin/announcements/:id/report.csv   → 200 text/csv, every recipient
 *   DELETE /admin/announcements/:id              → 200 cancelled (draft, scheduled, or the rest of a sending)
 */

export interface AnnouncementRoutesDeps {
  service: AnnouncementService;
  maxChars: number;
  maxBodyBytes: number;
}

const STATUSES: readonly RecipientStatus[] = ['pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled'];

/** Handles `path` if it is an announcement resource; false when it is not one. */
export async function announcementRoutes(request: IncomingMessage, response: ServerResponse, url: URL, deps: AnnouncementRoutesDeps): Promise<boolean> {
  const match = /^\/admin\/announcements(?:\/([^/]+)(?:\/(report\.csv|confirm))?)?\/?$/.exec(url.pathname);
  if (!match) return false;
  const [, rawId, sub] = match;
  const id = rawId === undefined ? undefined : decodeId(rawId);
  const method = request.method ?? 'GET';
  const allow = (methods: string[]) => {
    if (!methods.includes(method)) throw new HttpProblem(405, 'method-not-allowed', `Méthode ${method} non permise ici (permises : ${methods.join(', ')}).`, { allow: methods.join(', ') });
  };
  if (!id) {
    allow(['POST']);
    await create(request, response, deps);
  } else if (sub === 'report.csv') {
    allow(['GET']);
    await csv(response, id, deps.service);
  } else if (sub === 'confirm') {
    allow(['POST']);
    const announcement = await deps.service.confirm(id);
    sendJson(response, 200, await statusBody(deps.service, announcement.id, url));
  } else {
    allow(['GET', 'DELETE']);
    if (method === 'DELETE') {
      const { announcement, cancelledRecipients, previousStatus } = await deps.service.cancel(id);
      const { counts } = await deps.service.report(announcement.id, 0);
      sendJson(response, 200, { id: announcement.id, status: announcement.status, previousStatus, cancelledRecipients, sent: counts.sent });
    } else sendJson(response, 200, await statusBody(deps.service, id, url));
  }
  return true;
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpProblem(404, 'not-found', 'Identifiant d’annonce illisible.');
  }
}

async function create(request: IncomingMessage, response: ServerResponse, deps: AnnouncementRoutesDeps): Promise<void> {
  const body = await readJsonObject(request, deps.maxBodyBytes, deps.maxChars);
  const field = (name: string, kind: 'string' | 'boolean', required: boolean): unknown => {
    const value = body[name];
    if (value === undefined || value === null) {
      if (required) throw new HttpProblem(400, 'missing-field', `Champ « ${name} » manquant.`);
      return undefined;
    }
    if (typeof value !== kind) throw new HttpProblem(400, 'invalid-field', `Le champ « ${name} » doit être ${kind === 'string' ? 'une chaîne' : 'un booléen'}.`);
    return value;
  };
  const to = field('to', 'string', true) as string;
  const markdown = field('markdown', 'string', true);
  const at = field('at', 'string', false);
  const preview = field('preview', 'boolean', false) === true;
  const origin = /^cli$/i.test(String(request.headers['x-passerelle-client'] ?? '')) ? 'cli' : 'api';
  const request_ = { to, markdown, ...(at !== undefined ? { at } : {}), createdBy: origin, origin } as const;
  const prepared = preview ? await deps.service.prepare(request_) : await deps.service.submit(request_);
  sendJson(response, preview ? 200 : 201, createdBody(prepared), preview ? {} : { location: `/admin/announcements/${prepared.announcement.id}` });
}

function createdBody(prepared: Prepared) {
  const { announcement } = prepared;
  const unreachable = prepared.perChannel.reduce((sum, entry) => sum + entry.unreachable, 0);
  return {
    id: announcement.id,
    status: announcement.status,
    statusLabel: STATUS_LABELS[announcement.status],
    ...(announcement.scheduledAt ? { scheduledAt: announcement.scheduledAt } : {}),
    recipients: { reachable: prepared.reachable, unreachable, perChannel: prepared.perChannel },
    links: {
      status: `/admin/announcements/${announcement.id}`,
      report: `/admin/announcements/${announcement.id}/report.csv`,
      ...(announcement.status === 'draft' ? { confirm: `/admin/announcements/${announcement.id}/confirm` } : {}),
    },
  };
}

async function statusBody(service: AnnouncementService, id: string, url: URL) {
  const report = await service.report(id, 0);
  const limit = Math.max(1, Math.min(1_000, Number(url.searchParams.get('limit') ?? 100) || 100));
  const after = url.searchParams.get('after') ?? undefined;
  const wanted = (url.searchParams.get('statut') ?? url.searchParams.get('status') ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((status) => !STATUSES.includes(status as RecipientStatus));
  if (unknown.length > 0) throw new HttpProblem(400, 'invalid-parameter', `Statut inconnu « ${unknown.join(', ')} » (possibles : ${STATUSES.join(', ')}).`);
  const { counts } = report;
  // The conversation told at the end is internal (a channel reference): not part of the API.
  const { notify: _notify, ...announcement } = report.announcement;
  const page = await service.recipientsPage(announcement.id, { limit, ...(after ? { afterKey: after } : {}), ...(wanted.length ? { statuses: wanted as RecipientStatus[] } : {}) });
  const last = page.at(-1);
  return {
    ...announcement,
    statusLabel: STATUS_LABELS[announcement.status],
    counts,
    recipients: page.map(recipientBody),
    next: page.length === limit && last ? `/admin/announcements/${announcement.id}?${new URLSearchParams({ after: last.key, limit: String(limit), ...(wanted.length ? { statut: wanted.join(',') } : {}) })}` : null,
  };
}

function recipientBody(recipient: RecipientRecord) {
  const { announcementId: _announcement, address: _address, tenant: _tenant, claimedBy: _claimed, ...rest } = recipient;
  return rest;
}

async function csv(response: ServerResponse, id: string, service: AnnouncementService): Promise<void> {
  const announcement = await service.get(id);
  response.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="annonce-${announcement.id}.csv"`,
    'cache-control': 'no-store',
  });
  for await (const chunk of reportCsv(service.recipients(announcement.id))) {
    if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
}
