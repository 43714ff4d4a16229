import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminServer } from '../../../adapters/admin-http/admin-server.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { cli } from '../helpers/run-cli.ts';
import { freePort } from '../workers/redis-helpers.ts';
import { startRig, teamsReference, type Rig } from './rig.ts';

const TOKEN = 'jeton-administration-cli-0123456789abcdef';

describe('announcements / passerelle announce (CLI → admin API of the bot process)', function () {
  this.timeout(20_000);
  let rig: Rig;
  let server: AdminServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-announce-cli-'));
    rig = await startRig({ references: [1, 2, 3].map((n) => teamsReference(n)) });
    await rig.announcements.start();
    server = new AdminServer({ service: rig.announcements.service, token: TOKEN, port: 0, maxChars: 20_000, logger: silentLogger, audit: async () => undefined });
    await server.listen();
    env = { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_ADMIN_TOKEN: TOKEN, PASSERELLE_ADMIN_PORT: String(server.port) };
    writeFileSync(join(dir, 'message.md'), '# Note de service\n\nLes congés **d’été** sont à poser avant le 15 mai.\n');
    writeFileSync(join(dir, 'empty.md'), '\n\n');
    writeFileSync(join(dir, 'huge.md'), 'a'.repeat(1_000_000));
  });
  after(async () => {
    await server.close();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a markdown file, then reports it and writes the CSV', async () => {
    const sent = await cli(['announce', '--to', 'tous', '--file', join(dir, 'message.md')], env);
    assert.equal(sent.code, 0, sent.err);
    const id = /^Annonce ([A-Z2-9]{8}) : en cours d’envoi — 3 destinataire\(s\) \(Teams 3\)\.$/m.exec(sent.out)?.[1];
    assert.ok(id, sent.out);
    await rig.waitForStatus(id, 'completed');
    assert.equal(rig.teams.delivered[0]?.reply.text, '**📢 Annonce** — de la part de l’équipe Passerelle\n\n# Note de service\n\nLes congés **d’été** sont à poser avant le 15 mai.');
    const csv = join(dir, 'rapport.csv');
    const status = await cli(['announce', '--status', id, '--csv', csv], env);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /terminée — destinataires « tous »/);
    assert.match(status.out, /3 envoyé\(s\), 0 en échec, 0 bloqué\(s\), 0 en attente — sur 3/);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\r\n').length, 4);
    assert.equal((await rig.store.getAnnouncement(id))?.origin, 'cli');
  });

  it('schedules with --at and cancels with --cancel', async () => {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await cli(['announce', '--to', 'utilisateurs:aad-1', '--file', join(dir, 'message.md'), '--at', at], env);
    assert.equal(scheduled.code, 0, scheduled.err);
    assert.match(scheduled.out, /programmée le/);
    const id = /Annonce ([A-Z2-9]{8})/.exec(scheduled.out)![1]!;
    const cancelled = await cli(['announce', '--cancel', id], env);
    assert.equal(cancelled.code, 0);
    assert.match(cancelled.out, new RegExp(`Annonce ${id} annulée : l’envoi programmé n’aura pas lieu, personne ne l’a reçue\\.`));
  });

  describe('refusals (exit 1 or 2, French message, nothing sent)', () => {
    let before: number;
    beforeEach(() => (before = rig.teams.attempts.length));
    afterEach(() => assert.equal(rig.teams.attempts.length, before, 'nothing sent'));

    const cases: Array<[string, () => string[], Record<string, string>, number, RegExp]> = [
      ['a schedule in the past', () => ['announce', '--to', 'tous', '--file', join(dir, 'message.md'), '--at', '2021-06-01T08:00:00+02:00'], {}, 1, /est déjà passée/],
      ['an unknown audience', () => ['announce', '--to', 'service:douane', '--file', join(dir, 'message.md')], {}, 1, /Destinataires inconnus « service:douane »/],
      ['an empty file', () => ['announce', '--to', 'tous', '--file', join(dir, 'empty.md')], {}, 1, /message de l’annonce est vide/],
      ['a 1 MB file', () => ['announce', '--to', 'tous', '--file', join(dir, 'huge.md')], {}, 1, /trop volumineux/],
      ['a missing file', () => ['announce', '--to', 'tous', '--file', join(dir, 'absent.md')], {}, 1, /introuvable/],
      ['a wrong token', () => ['announce', '--status', 'ABCDEFGH'], { PASSERELLE_ADMIN_TOKEN: 'un-autre-jeton-de-vingt-quatre-car' }, 1, /Jeton d’administration manquant ou invalide/],
      ['no token configured', () => ['announce', '--status', 'ABCDEFGH'], { PASSERELLE_ADMIN_TOKEN: '' }, 1, /PASSERELLE_ADMIN_TOKEN est requis/],
      ['an unknown announcement', () => ['announce', '--status', 'ABCDEFGH'], {}, 1, /Je ne trouve pas d’annonce « ABCDEFGH »/],
      ['a bot that is not running', () => ['announce', '--status', 'ABCDEFGH', '--url', 'http://127.0.0.1:9'], {}, 1, /ne répond pas sur http:\/\/127\.0\.0\.1:9/],
      ['no mode', () => ['announce'], {}, 2, /choisissez --to\/--file/],
      ['two modes', () => ['announce', '--to', 'tous', '--status', 'X'], {}, 2, /choisissez/],
      ['--to without --file', () => ['announce', '--to', 'tous'], {}, 2, /--file <message.md> sont requis/],
      ['--csv without --status', () => ['announce', '--cancel', 'X', '--csv', 'r.csv'], {}, 2, /--csv va avec --status/],
    ];
    for (const [label, args, extraEnv, code, message] of cases) {
      it(label, async () => {
        const run = await cli(args(), { ...env, ...extraEnv });
        assert.equal(run.code, code, `${run.out}${run.err}`);
        assert.match(run.err, message);
      });
    }
  });

  it('the port comes from PASSERELLE_ADMIN_PORT: another port is another (absent) bot', async () => {
    const run = await cli(['announce', '--status', 'ABCDEFGH'], { ...env, PASSERELLE_ADMIN_PORT: String(await freePort()) });
    assert.equal(run.code, 1);
    assert.match(run.err, /passerelle serve/);
  });
});
