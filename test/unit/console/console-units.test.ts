import assert from 'node:assert/strict';
import { parsePeriod, percentile, summarise } from '../../../bots/console/overview.ts';
import { safeName } from '../../../bots/console/knowledge-admin.ts';
import { familySimilarity, questionTerms } from '../../../bots/curation/question-family.ts';
import { roleFromClaims } from '../../../adapters/console/roles.ts';
import { Sessions, type SessionStorage } from '../../../adapters/console/sessions.ts';
import { html, trusted } from '../../../adapters/console/html.ts';
import { parisTime } from '../../../adapters/console/console-routes.ts';

/** A cache with a clock, like the state store's (entries vanish at their TTL). */
function memoryCache(now: () => number): SessionStorage & { size(): number } {
  const entries = new Map<string, { value: string; expires: number }>();
  return {
    async cacheGet(key) {
      const entry = entries.get(key);
      return entry && entry.expires > now() ? entry.value : undefined;
    },
    async cacheSet(key, value, ttlMs) {
      entries.set(key, { value, expires: now() + ttlMs });
    },
    async cacheInvalidate(prefix) {
      let n = 0;
      for (const key of [...entries.keys()]) if (key.startsWith(prefix) && entries.delete(key)) n++;
      return n;
    },
    size: () => entries.size,
  };
}

describe('console: sessions, roles, overview figures, question families', () => {
  it('a session ends after the idle delay, and after the absolute delay even when used', async () => {
    let now = 1_000_000;
    const cache = memoryCache(() => now);
    const sessions = new Sessions(cache, 60 * 60_000, 10 * 60_000, () => now);
    const user = { id: 'alice@douane.gouv.fr', name: 'Alice', role: 'admin' as const, provider: 'proconnect' };
    const { id, session } = await sessions.create(user);
    assert.ok(id.length >= 40 && session.csrf.length >= 30);
    now += 9 * 60_000;
    assert.ok(await sessions.get(id), 'used within the idle delay');
    now += 9 * 60_000;
    assert.ok(await sessions.get(id), 'the idle delay restarts at each use');
    now += 11 * 60_000;
    assert.equal(await sessions.get(id), undefined, 'idle for 11 minutes: expired');

    const second = await sessions.create(user);
    for (let minute = 0; minute < 59; minute += 5) {
      now += 5 * 60_000;
      if (minute < 55) assert.ok(await sessions.get(second.id), `minute ${minute + 5}`);
    }
    assert.equal(await sessions.get(second.id), undefined, 'one hour after sign-in: expired however active');
    assert.equal(await sessions.get('inconnu'), undefined);
    assert.equal(await sessions.get(undefined), undefined);
  });

  it('maps claims to the highest matching role; lists, defaults and globs', () => {
    const rules = { admins: ['groups=admins-guid'], curators: ['curators-guid', 'roles=Passerelle.Curateur'], readers: ['email=*@douane.finances.gouv.fr'], defaultClaims: ['groups', 'roles'] };
    assert.equal(roleFromClaims({ groups: ['x', 'admins-guid'], email: 'a@douane.finances.gouv.fr' }, rules), 'admin');
    assert.equal(roleFromClaims({ groups: ['curators-guid'] }, rules), 'curator');
    assert.equal(roleFromClaims({ roles: ['passerelle.curateur'] }, rules), 'curator', 'case-insensitive');
    assert.equal(roleFromClaims({ email: 'b@douane.finances.gouv.fr' }, rules), 'reader');
    assert.equal(roleFromClaims({ email: 'b@douane.finances.gouv.fr.evil.example' }, rules), undefined, 'anchored');
    assert.equal(roleFromClaims({}, rules), undefined);
  });

  it('percentiles from the latency histogram, interpolated inside a bucket; the period and its days', () => {
    const histogram = new Array<number>(16).fill(0);
    assert.equal(percentile(histogram, 0.5), undefined);
    histogram[0] = 50; // ≤ 250 ms
    histogram[4] = 50; // 1 000–1 500 ms
    assert.equal(percentile(histogram, 0.5), 250);
    assert.equal(percentile(histogram, 0.95), 1_450);
    histogram[15] = 100;
    assert.equal(percentile(histogram, 0.95), 60_000, 'beyond the last bound: its lower bound');
    const period = parsePeriod('2026-02-27', '2026-03-02');
    const overview = summarise({
      answers: [{ day: '2026-02-28', kb: 'legal', channel: 'teams', kind: 'standard', count: 2, inputTokens: 0, outputTokens: 0, energyWh: 0 }, { day: '2026-03-02', kb: '', channel: 'matrix', kind: 'abstention', count: 1, inputTokens: 10, outputTokens: 5, energyWh: 0.0045 }],
      latency: histogram,
      ratings: [{ day: '2026-02-28', rating: 1, count: 3 }, { day: '2026-02-28', rating: -1, count: 1 }],
    }, period);
    assert.deepEqual(overview.days, ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    assert.deepEqual(overview.outcomes.answered, [0, 2, 0, 0]);
    assert.deepEqual([overview.totals.standard, overview.totals.abstained, overview.totals.satisfaction], [2, 1, 0.75]);
    assert.deepEqual(overview.byChannel.map((entry) => entry.id), ['matrix', 'teams']);
    assert.throws(() => parsePeriod('2025-01-01', '2026-06-01'), /la période dépasse 366 jours/);
    assert.equal(parsePeriod(undefined, undefined, new Date('2026-03-31T12:00:00Z')).from, '2026-03-02');
  });

  it('question families: stems and stop words, so rewordings meet and other questions do not', () => {
    const family = ['Combien de temps dure la retenue douanière ?'];
    assert.ok(familySimilarity(questionTerms('Quelle durée pour une retenue douanière ?'), family) < 0.7);
    assert.ok(familySimilarity(questionTerms('combien de temps dure une retenue douaniere'), family) >= 0.99);
    assert.ok(familySimilarity(questionTerms('Combien de temps durent les retenues douanières ?'), family) >= 0.7);
    assert.equal(familySimilarity(questionTerms('Qui signe le procès-verbal ?'), family), 0);
  });

  it('escapes what templates interpolate; keeps uploaded names inside their folder; reads schedules in Paris time', () => {
    assert.equal(html`<p title="${'"><script>'}">${'<b>&'}</p>${trusted('<i>ok</i>')}`.value, '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;</p><i>ok</i>');
    assert.equal(safeName('../../etc/passwd'), 'passwd');
    assert.equal(safeName('C:\\docs\\note.pdf'), 'note.pdf');
    assert.equal(safeName('.hidden'), 'hidden');
    assert.equal(parisTime('2026-12-01T09:00'), '2026-12-01T08:00:00.000Z', 'winter: UTC+1');
    assert.equal(parisTime('2026-07-01T09:00'), '2026-07-01T07:00:00.000Z', 'summer: UTC+2');
    assert.equal(parisTime('demain'), 'demain', 'left to the service, which refuses it in French');
  });
});
