import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textHash } from '../../../knowledge/enrichment/enrichment.ts';
import { cli } from '../helpers/run-cli.ts';
import { parisTime } from '../../../adapters/console/console-routes.ts';
import { alertOf, ConsoleClient, startConsoleRig, type ConsoleRig } from './console-rig.ts';

/**
 * Curation and knowledge bases through the console over real HTTP, against the real answer service,
 * ingestion and stores: the queue (redacted, grouped), standard answers (second curator), passage rules,
 * uploads with bad files, re-ingestion, removal, enrichment review, the overview's figures, the journal's
 * export. Bad input gets the catalogue's French message and changes nothing.
 */
describe('console curation and knowledge bases (HTTP, real stores)', function () {
  this.timeout(60_000);
  let rig: ConsoleRig;
  let bruno: ConsoleClient;
  let chloe: ConsoleClient;
  const ask = (question: string) =>
    rig.app.answers.answer({ question, allowedKbs: rig.app.knowledge.catalog.ids, clearance: 'diffusion-restreinte', conversationKey: `k:${question}`, channel: 'teams', userHash: 'agent' });

  before(async () => {
    // Announcements as on a deployment with Teams (no fan-out starts: nothing is confirmed for now).
    rig = await startConsoleRig({}, { announcements: { channels: ['teams'] } });
    bruno = new ConsoleClient(rig.base);
    chloe = new ConsoleClient(rig.base);
    assert.equal((await bruno.signInWith('proconnect', 'pc-bruno', rig.proconnect)).status, 303);
    assert.equal((await chloe.signInWith('proconnect', 'pc-chloe', rig.proconnect)).status, 303);
  });
  after(() => rig?.close());

  it('the queue groups a question family, hides personal data, shows passages and comments; handled items leave it', async () => {
    await ask('Les agents peuvent-ils fouiller le coffre de ma voiture ?');
    await ask('Les agents peuvent ils fouiller le coffre de la voiture de Jean Dupont ?');
    await rig.app.state.recordFeedback({ channel: 'teams', messageId: 'm1', userHash: 'u2', rating: -1, comment: 'Appelez-moi au 06 12 34 56 78', question: 'Durée maximale de la retenue douanière ?', answer: 'Extrait [1]', citedIds: ['CD-323-1#0'], kb: 'legal', at: new Date().toISOString() });
    const page = await bruno.page('/console/curation');
    assert.equal(page.status, 200);
    const groups = page.text.split('<article').slice(1);
    const fouille = groups.find((group) => group.includes('fouiller le coffre de ma voiture'));
    assert.ok(fouille, 'one group for the family');
    assert.match(fouille, /2 question\(s\)/);
    assert.match(fouille, /CD-60#0/);
    assert.doesNotMatch(page.text, /Jean Dupont|06 12 34 56 78/, 'personal data never shown');
    assert.match(page.text, /\[PERSONNE_1\]/);
    assert.match(page.text, /Commentaire de l’agent : « Appelez-moi au \[TELEPHONE_1\] »/);
    const keys = [...(fouille.match(/name="keys" value="([0-9a-f]{24})"/g) ?? [])].map((field) => field.slice(-25, -1));
    assert.equal(keys.length, 2);
    assert.equal((await bruno.post('/console/curation/handled', { keys })).status, 303);
    assert.doesNotMatch((await bruno.page('/console/curation')).text, /fouiller le coffre/);
    assert.match((await bruno.page('/console/curation?tous=1')).text, /fouiller le coffre[\s\S]*traitée/);
  });

  it('a standard answer: refused when incomplete, not self-published, served once a second curator publishes it, withdrawn', async () => {
    const question = 'Combien de temps dure une retenue douanière au maximum ?';
    assert.equal((await ask(question)).mode, 'abstention');
    await bruno.page('/console/answers/new');
    const incomplete = await bruno.post('/console/answers', { kb: 'legal', questions: question, text: 'Vingt-quatre heures.', sources: '' });
    assert.equal(incomplete.status, 400);
    assert.match(alertOf(await incomplete.text()), /choisissez au moins une source/);
    const unknown = await bruno.post('/console/answers', { kb: 'legal', questions: question, text: 'Vingt-quatre heures.', sources: 'CD-999#0' });
    assert.equal(unknown.status, 400);
    assert.match(alertOf(await unknown.text()), /Le passage « CD-999#0 » n’existe pas dans la base legal/);
    const proposed = await bruno.post('/console/answers', { kb: 'legal', questions: `${question}\nDurée de la retenue douanière`, text: 'La retenue douanière ne peut excéder vingt-quatre heures [1].', sources: 'CD-323-1#0' });
    assert.equal(proposed.status, 303);
    const id = /\/console\/answers\/(RT-[0-9A-F]+)/.exec(proposed.headers.get('location') ?? '')?.[1];
    assert.ok(id);
    const self = await bruno.post(`/console/answers/${id}/versions/1/publish`, {});
    assert.equal(self.status, 409);
    assert.match(alertOf(await self.text()), /double regard/);
    assert.equal((await ask(question)).mode, 'abstention', 'not served while proposed');
    await chloe.page(`/console/answers/${id}`);
    assert.equal((await chloe.post(`/console/answers/${id}/versions/1/publish`, {})).status, 303);
    const served = await ask('Quelle est la durée de la retenue douanière ?');
    assert.equal(served.mode, 'standard');
    assert.match(served.reply.text, /ne peut excéder vingt-quatre heures \[1\][\s\S]*version 1/);
    assert.deepEqual(served.citedIds, ['CD-323-1#0']);
    assert.equal(served.reply.aiGenerated, false, 'written by people');
    assert.notEqual((await ask('Quelles marchandises sont prohibées à l’exportation ?')).mode, 'standard', 'another family is not served');
    const again = await chloe.post(`/console/answers/${id}/versions/1/reject`, { note: 'trop tard' });
    assert.equal(again.status, 409);
    assert.equal((await chloe.post(`/console/answers/${id}/withdraw`, {})).status, 303);
    assert.notEqual((await ask(question)).mode, 'standard');
    const journal = await rig.app.curation.listJournal({ action: 'standard-answer', limit: 10 });
    assert.deepEqual(journal.map((entry) => entry.action), ['standard-answer-withdraw', 'standard-answer-publish', 'standard-answer-propose']);
  });

  it('passage rules: a hidden passage is no longer retrieved for the family, a boosted one comes first', async () => {
    const question = 'Que risque-t-on pour un fait de contrebande ?';
    const before = await rig.app.knowledge.retriever.retrieve({ question, kb: 'legal', maxClassification: 'diffusion-restreinte', limit: 5 });
    assert.ok(before.passages.some((passage) => passage.chunk.id === 'CD-414#0'));
    await bruno.page('/console/answers');
    assert.equal((await bruno.post('/console/rules', { kb: 'legal', chunkId: 'CD-414#0', action: 'hide', questions: question })).status, 303);
    const hidden = await ask(question);
    assert.ok(!hidden.reply.citations.some((citation) => citation.id === 'CD-414#0'), 'hidden for the family');
    const rules = await rig.app.curation.listRules();
    assert.equal((await bruno.post(`/console/rules/${rules[0]?.id}/delete`, {})).status, 303);
    assert.equal((await bruno.post('/console/rules', { kb: 'legal', chunkId: 'CD-1#0', action: 'boost', questions: question })).status, 303);
    const boosted = await ask(question);
    assert.equal(boosted.reply.citations[0]?.id, 'CD-1#0', boosted.reply.text);
    const bad = await bruno.post('/console/rules', { kb: 'legal', chunkId: 'CD-1#0', action: 'supprimer', questions: question });
    assert.equal(bad.status, 400);
  });

  it('uploads: good files in, bad ones refused by name with the catalogue’s reason; versions, re-ingestion and removal', async () => {
    await bruno.page('/console/knowledge/procedures');
    const uploaded = await bruno.upload('/console/knowledge/procedures/upload', [
      { name: 'note-de-service.md', bytes: '# Note de service\n\nLes scellés sont posés par deux agents.\n' },
      { name: 'scan.pdf', bytes: 'pas un PDF' },
      { name: 'image.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
    ], { classification: 'interne' });
    assert.equal(uploaded.status, 200);
    const text = await uploaded.text();
    assert.match(text, /documents ajoutés 1/);
    assert.match(text, /Le fichier scan\.pdf est endommagé ou protégé/);
    assert.match(text, /Le format du fichier image\.png n’est pas pris en charge/);
    const documents = await rig.app.knowledge.store.listDocuments('procedures');
    assert.equal(documents.length, 1);
    const documentId = documents[0]!.documentId;
    let page = await bruno.page('/console/knowledge/procedures');
    assert.match(page.text, /Note de service/);
    assert.match(page.text, /<td>interne<\/td>/);
    assert.match(page.text, /scan\.pdf<\/strong>/, 'failures listed');

    const changed = await bruno.upload('/console/knowledge/procedures/upload', [{ name: 'note-de-service.md', bytes: '# Note de service\n\nLes scellés sont posés par deux agents assermentés.\n' }]);
    assert.equal(changed.status, 200);
    const versions = await rig.app.curation.documentVersions('procedures', [documentId]);
    assert.equal(versions.get(documentId)?.version, 2, 'a changed file is a new version');
    assert.equal((await bruno.post(`/console/knowledge/procedures/documents/${encodeURIComponent(documentId)}/reingest`, {})).status, 303);
    assert.equal((await rig.app.curation.documentVersions('procedures', [documentId])).get(documentId)?.version, 2, 'unchanged: same version');

    const secret = await bruno.upload('/console/knowledge/procedures/upload', [{ name: 'x.md', bytes: '# X\n\nTexte.\n' }], { classification: 'interdit-ia' });
    assert.equal(secret.status, 400);
    assert.match(alertOf(await secret.text()), /au-dessus du plafond/);
    const tooMany = await bruno.upload('/console/knowledge/inconnue/upload', [{ name: 'x.md', bytes: 'x' }]);
    assert.equal(tooMany.status, 400);
    assert.match(alertOf(await tooMany.text()), /La base « inconnue » n’existe pas/);

    assert.equal((await bruno.post(`/console/knowledge/procedures/documents/${encodeURIComponent(documentId)}/remove`, {})).status, 303);
    assert.equal((await rig.app.knowledge.store.listDocuments('procedures')).length, 0);
    const gone = await bruno.post(`/console/knowledge/procedures/documents/${encodeURIComponent(documentId)}/reingest`, {});
    assert.equal(gone.status, 404);
    page = await bruno.page('/console/knowledge/procedures');
    assert.match(page.text, /0 document\(s\)/);
  });

  it('`passerelle ingest` records versions and failures for the console too', async () => {
    const file = join(rig.dir, 'conges.md');
    writeFileSync(file, '# Congés\n\nLes congés annuels sont de cinq semaines.\n');
    writeFileSync(join(rig.dir, 'vide.txt'), '');
    const run = await cli(['ingest', '--kb', 'hr', file, join(rig.dir, 'vide.txt')], rig.env);
    assert.equal(run.code, 0, run.err);
    const page = await bruno.page('/console/knowledge/hr');
    assert.match(page.text, /Congés[\s\S]*<td>1<\/td>/, 'version 1');
    assert.match(page.text, /Le fichier .*vide\.txt est vide/);
  });

  it('enrichment drafts are reviewed in the console and the document re-indexed', async () => {
    const [document] = (await rig.app.knowledge.store.getChunks('legal', ['CD-60#0']));
    const entries = rig.app.knowledge.enrichment?.store;
    assert.ok(entries && document);
    await entries.put('legal', { id: 'CD-60', text_sha256: textHash(document.text), subject: 'Fouille des véhicules', questions: ['Peut-on fouiller ma voiture ?'], terms: ['fouille', 'coffre'], origin: 'model', status: 'draft', model: 'fake' });
    const page = await bruno.page('/console/knowledge/legal');
    assert.match(page.text, /CD-60 — Fouille des véhicules/);
    assert.equal((await bruno.post('/console/knowledge/legal/enrichment/CD-60/approve', {})).status, 303);
    assert.equal((await entries.get('legal', 'CD-60'))?.status, 'approved');
    assert.equal((await rig.app.knowledge.store.getChunks('legal', ['CD-60#0']))[0]?.enrichment?.status, 'approved', 're-indexed with the approved entry');
    const again = await bruno.post('/console/knowledge/legal/enrichment/CD-60/reject', {});
    assert.equal(again.status, 404, 'an approved entry is not a draft to review');
    assert.match(alertOf(await again.text()), /Aucune formulation à relire pour « CD-60 »/);
    assert.equal((await entries.get('legal', 'CD-60'))?.status, 'approved');
  });

  it('announcements: live counts refuse a bad audience in French; a scheduled announcement is confirmed, then cancelled', async () => {
    const admin = new ConsoleClient(rig.base);
    await admin.signInWith('proconnect', 'pc-alice', rig.proconnect);
    await admin.page('/console/announcements');
    const counted = (await (await admin.get('/console/api/audience?to=tous')).json()) as { ok: boolean; text: string };
    assert.deepEqual(counted, { ok: false, text: 'Aucun destinataire : personne ne correspond à ces destinataires.' });
    const unknown = (await (await admin.get('/console/api/audience?to=voisins')).json()) as { ok: boolean; text: string };
    assert.match(unknown.text, /Destinataires inconnus « voisins »/);
    const preview = await admin.postJson('/console/api/preview', { markdown: '**Maintenance** <script>alert(1)</script> [lien](javascript:alert(2))' });
    assert.equal(preview.status, 200);
    const previews = (await preview.json()) as { teams: string; tchap: string };
    for (const rendered of [previews.teams, previews.tchap]) {
      assert.match(rendered, /<strong>Maintenance<\/strong>/);
      assert.doesNotMatch(rendered, /<script|javascript:/);
    }
    assert.equal((await admin.postJson('/console/api/preview', { markdown: 'x' }, false)).status, 403, 'the token header is required');
    await rig.app.state.saveReference({ key: 'teams:a:agent', channel: 'teams', reference: { conversation: { id: 'a:agent' }, serviceUrl: 'http://127.0.0.1:9/' }, userId: 'aad-agent', tenant: 't', isDirect: true, active: true, updatedAt: new Date().toISOString() });
    const late = await admin.post('/console/announcements', { to: 'tous', markdown: 'Bientôt', at: 'demain' });
    assert.equal(late.status, 400);
    assert.equal((await rig.app.announcements.service.list(10)).length, 0, 'nothing stored');
    const day = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const prepared = await admin.post('/console/announcements', { to: 'tous', markdown: '**Maintenance** samedi.', at: `${day}T09:00` });
    assert.equal(prepared.status, 303, alertOf(await prepared.clone().text()));
    const location = prepared.headers.get('location') ?? '';
    const draft = await admin.page(location);
    assert.match(draft.text, /en attente de confirmation/);
    assert.match(draft.text, /<strong>Maintenance<\/strong>/, 'previews rendered');
    const id = /\/console\/announcements\/([A-Z0-9]+)/.exec(location)?.[1] as string;
    assert.equal((await admin.post(`/console/announcements/${id}/confirm`, {})).status, 303);
    const scheduled = await rig.app.announcements.service.get(id);
    assert.deepEqual([scheduled.status, scheduled.scheduledAt], ['scheduled', parisTime(`${day}T09:00`)]);
    assert.match(scheduled.scheduledAt ?? '', /T0[78]:00:00\.000Z$/, '09:00 in Paris');
    assert.equal((await admin.post(`/console/announcements/${id}/cancel`, {})).status, 303);
    assert.equal((await rig.app.announcements.service.get(id)).status, 'cancelled');
    const again = await admin.post(`/console/announcements/${id}/cancel`, {});
    assert.equal(again.status, 409);
    assert.match(alertOf(await again.text()), /annulée/);
  });

  it('the overview counts the period’s answers; a bad period and a bad journal date are refused in French; the journal exports as CSV', async () => {
    const admin = new ConsoleClient(rig.base);
    await admin.signInWith('proconnect', 'pc-alice', rig.proconnect);
    const overview = await admin.page('/console/overview');
    assert.match(overview.text, /<dt>Questions<\/dt><dd>\d+<\/dd>/);
    assert.match(overview.text, /dont 1 par réponse type/);
    const bad = await admin.page('/console/overview?from=2026-13-45&to=2026-01-01');
    assert.equal(bad.status, 400);
    assert.match(alertOf(bad.text), /date « 2026-13-45 » illisible/);
    const reversed = await admin.page('/console/overview?from=2026-02-01&to=2026-01-01');
    assert.match(alertOf(reversed.text), /la date de début est après la date de fin/);
    assert.equal((await admin.page('/console/audit?from=hier')).status, 400);
    const csv = await admin.get('/console/audit.csv?action=knowledge');
    assert.equal(csv.status, 200);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0]?.replace(/^\uFEFF/, ''), 'quand,qui,role,action,objet,detail');
    assert.ok(lines.slice(1).every((line) => /fichiers versés|document (retiré|réindexé)/.test(line)), lines.join('\n'));
    assert.ok(lines.length >= 5);
  });
});
