import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportCsv } from '../../bots/announcements/report-csv.ts';
import { STATUS_LABELS } from '../../bots/announcements/messages.ts';
import { overviewOf, parsePeriod } from '../../bots/console/overview.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { ConsoleServices } from './console-services.ts';
import { redirect, SECURITY_HEADERS, sendHtml, sendJsonData, type Form } from './http.ts';
import { announcementPage, announcementsPage, countFigures, recipientRows } from './pages/announcements-page.ts';
import { answerFormPage, answerPage, answersPage } from './pages/answers-page.ts';
import { ACTION_LABELS, auditPage, journalFilter } from './pages/audit-page.ts';
import { curationPage } from './pages/curation-page.ts';
import { basePage, basesPage } from './pages/knowledge-page.ts';
import type { PageContext } from './pages/layout.ts';
import { overviewPage } from './pages/overview-page.ts';
import { roomsPage } from './pages/rooms-page.ts';
import { announcementRoomRows, syncSummary } from '../../bots/console/announcement-rooms-admin.ts';
import type { Area } from './roles.ts';
import type { ConsoleUser } from './sessions.ts';

/** The console's pages and actions: each route names its area (who may use it), and posts are CSRF-checked before. */

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  page: PageContext;
  user: ConsoleUser;
  services: ConsoleServices;
  params: string[];
  form: Form;
  journal(action: string, target?: string, details?: string): Promise<void>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  area: Area;
  /** Multipart bodies up to the upload limit. */
  upload?: boolean;
  handle(context: RouteContext): Promise<void>;
}

const DOCUMENTS_PER_PAGE = 50;

export function consoleRoutes(): Route[] {
  const get = (path: RegExp, area: Area, handle: Route['handle']): Route => ({ method: 'GET', path, area, handle });
  const post = (path: RegExp, area: Area, handle: Route['handle'], upload = false): Route => ({ method: 'POST', path, area, handle, upload });
  return [
    get(/^\/console\/overview$/, 'overview', async ({ url, services, page, response }) => {
      const period = parsePeriod(url.searchParams.get('from') ?? undefined, url.searchParams.get('to') ?? undefined);
      sendHtml(response, 200, overviewPage(page, await overviewOf(services.statistics, period), names(services)));
    }),

    get(/^\/console\/curation$/, 'curation', async ({ url, services, page, response }) => {
      const includeHandled = url.searchParams.get('tous') === '1';
      sendHtml(response, 200, curationPage(page, await services.queue.groups({ includeHandled }), names(services), includeHandled));
    }),
    post(/^\/console\/curation\/handled$/, 'curation', async ({ form, services, user, journal, response }) => {
      const keys = form.all('keys').filter((key) => /^[0-9a-f]{24}$/.test(key));
      if (keys.length === 0) throw new PasserelleError('FORM_INVALID', { problem: 'aucune question choisie' });
      await services.queue.markHandled(keys, user.id);
      await journal('queue-handled', undefined, `${keys.length} question(s)`);
      redirect(response, '/console/curation?fait=traite');
    }),
    post(/^\/console\/rules$/, 'curation', async ({ form, services, user, journal, response }) => {
      const kb = services.knowledge.catalog.get(required(form, 'kb', 'base')).id;
      const chunkId = required(form, 'chunkId', 'passage');
      const action = form.get('action');
      if (action !== 'boost' && action !== 'hide') throw new PasserelleError('FORM_INVALID', { problem: 'action inconnue' });
      const questions = form.all('questions').map((question) => question.trim()).filter(Boolean).slice(0, 20);
      if (questions.length === 0) throw new PasserelleError('FORM_INVALID', { problem: 'famille de questions vide' });
      const id = `R-${randomBytes(4).toString('hex').toUpperCase()}`;
      await services.rules.addRule({ id, kb, chunkId, action, questions, author: user.id, createdAt: new Date().toISOString() });
      await journal('passage-rule-add', chunkId, `${action === 'boost' ? 'mis en avant' : 'masqué'} pour « ${questions[0]} »`);
      redirect(response, '/console/answers?fait=regle');
    }),
    post(/^\/console\/rules\/([^/]+)\/delete$/, 'curation', async ({ params, services, journal, response }) => {
      if (!(await services.rules.removeRule(params[0] as string))) throw new PasserelleError('CONSOLE_NOT_FOUND');
      await journal('passage-rule-remove', params[0]);
      redirect(response, '/console/answers?fait=regle-supprimee');
    }),

    get(/^\/console\/answers$/, 'curation', async ({ services, page, response }) => {
      const [answers, rules] = await Promise.all([services.answers.list(), services.rules.listRules()]);
      sendHtml(response, 200, answersPage(page, answers, rules, names(services)));
    }),
    get(/^\/console\/answers\/new$/, 'curation', async ({ url, services, page, response }) => {
      const kb = url.searchParams.get('kb') ?? undefined;
      sendHtml(response, 200, answerFormPage(page, { ...(kb ? { kb } : {}), questions: url.searchParams.getAll('q'), text: '', sourceIds: url.searchParams.getAll('s') }, bases(services)));
    }),
    post(/^\/console\/answers$/, 'curation', async (context) => {
      const version = await context.services.answers.propose(draftOf(context.form), context.user.id);
      await context.journal('standard-answer-propose', `${version.answerId} v${version.version}`, version.questions[0]);
      redirect(context.response, `/console/answers/${version.answerId}?fait=proposee`);
    }),
    post(/^\/console\/answers\/([A-Z0-9-]+)\/versions$/, 'curation', async (context) => {
      const version = await context.services.answers.propose({ ...draftOf(context.form), answerId: context.params[0] as string }, context.user.id);
      await context.journal('standard-answer-propose', `${version.answerId} v${version.version}`, version.questions[0]);
      redirect(context.response, `/console/answers/${version.answerId}?fait=proposee`);
    }),
    get(/^\/console\/answers\/([A-Z0-9-]+)$/, 'curation', async ({ params, services, page, response }) => {
      sendHtml(response, 200, answerPage(page, await services.answers.versions(params[0] as string), names(services), bases(services)));
    }),
    post(/^\/console\/answers\/([A-Z0-9-]+)\/versions\/(\d+)\/(publish|reject)$/, 'curation', async ({ params, form, services, user, journal, response }) => {
      const [id, version, verb] = params as [string, string, string];
      const decision = verb === 'publish' ? 'published' : 'rejected';
      await services.answers.review(id, Number(version), decision, user.id, form.get('note'));
      await journal(decision === 'published' ? 'standard-answer-publish' : 'standard-answer-reject', `${id} v${version}`, form.get('note'));
      redirect(response, `/console/answers/${id}?fait=${decision === 'published' ? 'publiee' : 'refusee'}`);
    }),
    post(/^\/console\/answers\/([A-Z0-9-]+)\/withdraw$/, 'curation', async ({ params, services, user, journal, response }) => {
      await services.answers.withdraw(params[0] as string, user.id);
      await journal('standard-answer-withdraw', params[0]);
      redirect(response, `/console/answers/${params[0]}?fait=retiree`);
    }),
    get(/^\/console\/api\/passages$/, 'curation', async ({ url, services, response }) => {
      const kb = services.knowledge.catalog.get(url.searchParams.get('kb') ?? '').id;
      const query = (url.searchParams.get('q') ?? '').trim();
      sendJsonData(response, 200, { passages: query ? await services.passages(kb, query) : [] });
    }),

    get(/^\/console\/announcements$/, 'announcements', async ({ services, page, response }) => {
      const [announcements, choices] = await Promise.all([services.announcements.list(50), services.audienceChoices()]);
      sendHtml(response, 200, announcementsPage(page, announcements, { to: 'tous', markdown: '', at: '' }, choices));
    }),
    post(/^\/console\/announcements$/, 'announcements', async ({ form, services, user, journal, response }) => {
      const at = form.get('at')?.trim();
      const to = [form.get('to') ?? '', ...form.all('choices')].map((term) => term.trim()).filter(Boolean).join(' ');
      const prepared = await services.announcements.prepare({ to, markdown: form.get('markdown') ?? '', ...(at ? { at: parisTime(at) } : {}), createdBy: user.id, origin: 'api' });
      await journal('announcement-prepare', prepared.announcement.id, `${prepared.reachable} destinataire(s) : ${prepared.announcement.audience}`);
      redirect(response, `/console/announcements/${prepared.announcement.id}?fait=preparee`);
    }),
    get(/^\/console\/announcements\/([A-Za-z0-9]+)$/, 'announcements', async ({ params, services, page, response }) => {
      const report = await services.announcements.report(params[0] as string, 0);
      const recipients = await services.announcements.recipientsPage(report.announcement.id, { limit: 200 });
      sendHtml(response, 200, announcementPage(page, report.announcement, report.counts, recipients, services.preview(report.announcement.markdown)));
    }),
    post(/^\/console\/announcements\/([A-Za-z0-9]+)\/confirm$/, 'announcements', async ({ params, services, journal, response }) => {
      const announcement = await services.announcements.confirm(params[0] as string);
      await journal('announcement-confirm', announcement.id, STATUS_LABELS[announcement.status]);
      redirect(response, `/console/announcements/${announcement.id}?fait=confirmee`);
    }),
    post(/^\/console\/announcements\/([A-Za-z0-9]+)\/cancel$/, 'announcements', async ({ params, services, journal, response }) => {
      const { announcement, cancelledRecipients } = await services.announcements.cancel(params[0] as string);
      await journal('announcement-cancel', announcement.id, `${cancelledRecipients} envoi(s) non effectué(s)`);
      redirect(response, `/console/announcements/${announcement.id}?fait=annulee`);
    }),
    get(/^\/console\/announcements\/([A-Za-z0-9]+)\/report\.csv$/, 'announcements', async ({ params, services, response }) => {
      const announcement = await services.announcements.get(params[0] as string);
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="annonce-${announcement.id}.csv"`, 'cache-control': 'no-store' });
      for await (const chunk of reportCsv(services.announcements.recipients(announcement.id))) {
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end();
    }),
    get(/^\/console\/api\/announcements\/([A-Za-z0-9]+)$/, 'announcements', async ({ params, services, response }) => {
      const report = await services.announcements.report(params[0] as string, 0);
      const recipients = await services.announcements.recipientsPage(report.announcement.id, { limit: 200 });
      sendJsonData(response, 200, {
        id: report.announcement.id, status: report.announcement.status, statusLabel: STATUS_LABELS[report.announcement.status], counts: report.counts,
        countsHtml: countFigures(report.counts).value, rowsHtml: recipientRows(recipients).value,
      });
    }),
    get(/^\/console\/api\/audience$/, 'announcements', async ({ url, services, response }) => {
      const to = (url.searchParams.get('to') ?? '').slice(0, 2_000);
      try {
        const perChannel = await services.announcements.count(to);
        sendJsonData(response, 200, { ok: true, perChannel, text: perChannel.map((entry) => `${entry.channel === 'matrix' ? 'Tchap' : 'Teams'} : ${entry.reachable} destinataire(s)${entry.unreachable ? ` (+ ${entry.unreachable} injoignable(s))` : ''}`).join(' ; ') });
      } catch (error) {
        if (!(error instanceof PasserelleError)) throw error;
        sendJsonData(response, 200, { ok: false, text: error.userMessage });
      }
    }),
    post(/^\/console\/api\/preview$/, 'announcements', async ({ form, services, response }) => {
      sendJsonData(response, 200, services.preview((form.get('markdown') ?? '').slice(0, 100_000)));
    }),

    get(/^\/console\/rooms$/, 'rooms', async ({ services, page, response }) => {
      const rooms = services.announcementRooms?.();
      const [settings, conversations, announcementRooms] = await Promise.all([
        services.roomSettings.list(),
        services.audienceChoices(),
        rooms ? rooms.list().catch(() => undefined) : Promise.resolve(undefined),
      ]);
      sendHtml(response, 200, roomsPage(page, {
        settings, bases: bases(services),
        conversations: conversations.filter((choice) => choice.term.startsWith('salons:')).map((choice) => ({ key: conversationKey(choice.term), label: choice.label })),
        ...(announcementRooms ? { announcementRooms: announcementRoomRows(announcementRooms) } : {}),
      }));
    }),
    post(/^\/console\/rooms\/settings$/, 'rooms', async ({ form, services, journal, response }) => {
      const record = await services.roomSettings.save(
        { roomKey: required(form, 'roomKey', 'conversation'), bases: form.all('bases'), mentionOnly: form.get('mention') !== 'non', announcements: form.get('annonces') !== 'non', aiNotice: form.get('avis') ?? '' },
        'console',
      );
      await journal('room-settings-update', record.roomKey, services.roomSettings.describe(record.settings));
      redirect(response, '/console/rooms?fait=parametres');
    }),
    post(/^\/console\/rooms\/announcement-rooms\/sync$/, 'rooms', async ({ services, page, journal, response }) => {
      const rooms = services.announcementRooms?.();
      if (!rooms) throw new PasserelleError('ANNOUNCE_ROOMS_UNAVAILABLE', { why: 'canal Tchap non démarré' });
      const summary = syncSummary(await rooms.sync());
      await journal('announcement-rooms-sync', undefined, summary.journal);
      const settings = await services.roomSettings.list();
      sendHtml(response, 200, roomsPage({ ...page, notice: summary.notice }, { settings, bases: bases(services), conversations: [], announcementRooms: announcementRoomRows(await rooms.list()) }));
    }),

    get(/^\/console\/knowledge$/, 'knowledge', async ({ services, page, response }) => {
      sendHtml(response, 200, basesPage(page, await services.knowledge.bases(), await services.syncRuns.latest(20)));
    }),
    get(/^\/console\/knowledge\/([a-z][a-z0-9-]*)$/, 'knowledge', async ({ params, url, services, page, response }) => {
      sendHtml(response, 200, basePage(page, await baseView(services, params[0] as string, url)));
    }),
    post(/^\/console\/knowledge\/([a-z][a-z0-9-]*)\/upload$/, 'knowledge', async ({ params, url, form, services, page, journal, response }) => {
      const kb = params[0] as string;
      const report = await services.knowledge.upload(kb, form.files('files'), form.get('classification'));
      const files = form.files('files').map((file) => file.name).join(', ');
      await journal('knowledge-upload', kb, `${files} : ${report.added} ajouté(s), ${report.updated} mis à jour, ${report.skipped.length} refusé(s)`);
      const summary = `Versement terminé : ${report.files} fichier(s) lu(s) ; documents ajoutés ${report.added}, mis à jour ${report.updated}, inchangés ${report.unchanged} ; ${report.chunks} passage(s) indexé(s).${report.skipped.length > 0 ? ` Fichiers refusés : ${report.skipped.map((skipped) => skipped.message).join(' ')}` : ''}`;
      sendHtml(response, report.skipped.length > 0 && report.skipped.length === report.files ? 422 : 200, basePage({ ...page, notice: summary }, await baseView(services, kb, url)));
    }, true),
    post(/^\/console\/knowledge\/([a-z][a-z0-9-]*)\/documents\/([^/]+)\/(remove|reingest)$/, 'knowledge', async ({ params, services, journal, response }) => {
      const [kb, documentId, verb] = params as [string, string, string];
      if (verb === 'remove') await services.knowledge.remove(kb, documentId);
      else await services.knowledge.reingest(kb, documentId);
      await journal(verb === 'remove' ? 'knowledge-remove' : 'knowledge-reingest', `${kb}/${documentId}`);
      redirect(response, `/console/knowledge/${kb}?fait=${verb === 'remove' ? 'retire' : 'reindexe'}`);
    }),
    post(/^\/console\/knowledge\/([a-z][a-z0-9-]*)\/enrichment\/([^/]+)\/(approve|reject)$/, 'knowledge', async ({ params, services, journal, response }) => {
      const [kb, documentId, verb] = params as [string, string, string];
      await services.knowledge.reviewEnrichment(kb, documentId, verb === 'approve' ? 'approve' : 'reject');
      await journal(verb === 'approve' ? 'enrichment-approve' : 'enrichment-reject', `${kb}/${documentId}`);
      redirect(response, `/console/knowledge/${kb}?fait=${verb === 'approve' ? 'approuve' : 'rejete'}`);
    }),

    get(/^\/console\/audit$/, 'audit', async ({ url, services, page, response }) => {
      const filter = auditFilter(url);
      const entries = await services.journal.listJournal(journalFilter(filter.from, filter.to, filter.actor, filter.action, 500));
      sendHtml(response, 200, auditPage(page, entries, filter, url.searchParams.toString()));
    }),
    get(/^\/console\/audit\.csv$/, 'audit', async ({ url, services, response }) => {
      const filter = auditFilter(url);
      const entries = await services.journal.listJournal(journalFilter(filter.from, filter.to, filter.actor, filter.action, 100_000));
      const lines = [['quand', 'qui', 'role', 'action', 'objet', 'detail'], ...entries.map((entry) => [entry.at, entry.actor, entry.role, ACTION_LABELS[entry.action] ?? entry.action, entry.target ?? '', entry.details ?? ''])];
      const body = `\uFEFF${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="journal-console.csv"', 'cache-control': 'no-store' });
      response.end(body);
    }),
  ];
}

/** `salons:<id>` of the audience picker → the conversation key (`matrix:!id:server`, `teams:<id>`). */
function conversationKey(term: string): string {
  const id = term.slice('salons:'.length);
  return id.startsWith('!') ? `matrix:${id}` : `teams:${id}`;
}

function names(services: ConsoleServices): Map<string, string> {
  return new Map(services.knowledge.catalog.bases.map((kb) => [kb.id, kb.name]));
}

function bases(services: ConsoleServices): Array<{ id: string; name: string }> {
  return services.knowledge.catalog.bases.map((kb) => ({ id: kb.id, name: kb.name }));
}

function required(form: Form, name: string, label: string): string {
  const value = form.get(name)?.trim();
  if (!value) throw new PasserelleError('FORM_INVALID', { problem: `champ « ${label} » manquant` });
  return value;
}

function draftOf(form: Form) {
  const lines = (name: string) => (form.get(name) ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return { kb: required(form, 'kb', 'base'), questions: lines('questions'), text: form.get('text') ?? '', sourceIds: lines('sources') };
}

async function baseView(services: ConsoleServices, kb: string, url: URL) {
  const base = services.knowledge.catalog.get(kb);
  const page = Math.max(0, (Number(url.searchParams.get('page') ?? 1) || 1) - 1);
  const filter = (url.searchParams.get('q') ?? '').slice(0, 200);
  const [documents, drafts] = await Promise.all([services.knowledge.documents(base.id, { page, size: DOCUMENTS_PER_PAGE, filter }), services.knowledge.enrichmentDrafts(base.id)]);
  return { id: base.id, name: base.name, ceiling: base.classificationCeiling, page, size: DOCUMENTS_PER_PAGE, filter, ...documents, drafts, enrichment: services.knowledge.enrichmentEnabled };
}

function auditFilter(url: URL): { from: string; to: string; actor: string; action: string } {
  const day = (name: string) => {
    const value = url.searchParams.get(name) ?? '';
    if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new PasserelleError('FORM_INVALID', { problem: `date « ${value.slice(0, 20)} » illisible (attendu AAAA-MM-JJ)` });
    return value;
  };
  return { from: day('from'), to: day('to'), actor: (url.searchParams.get('actor') ?? '').slice(0, 200), action: (url.searchParams.get('action') ?? '').slice(0, 60) };
}

function csvField(value: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: quoted with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A `datetime-local` value (no zone) read as Paris time; anything else is left to the service's checks. */
export function parisTime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return value;
  const guess = Date.parse(`${value}Z`);
  const offset = (at: number) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' }).formatToParts(new Date(at)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  };
  return new Date(guess - offset(guess - offset(guess) * 60_000) * 60_000).toISOString();
}

