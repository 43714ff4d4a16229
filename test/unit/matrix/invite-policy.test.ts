import assert from 'node:assert/strict';
import { globToRegExp, mayInvite } from '../../../adapters/matrix/invite-policy.ts';

const BOT = '@passerelle:agent.douane.tchap.gouv.fr';

describe('matrix: invite policy', () => {
  it('accepts inviters matching a user-id pattern or from an allowed server', () => {
    const patterns = { allowedInviters: ['@*:agent.douane.tchap.gouv.fr', '@chef.*:agent.finances.tchap.gouv.fr'], allowedServers: [], botUserId: BOT };
    assert.equal(mayInvite('@jean.dupont-douane.gouv.fr:agent.douane.tchap.gouv.fr', patterns), true);
    assert.equal(mayInvite('@chef.service:agent.finances.tchap.gouv.fr', patterns), true);
    assert.equal(mayInvite('@agent:agent.finances.tchap.gouv.fr', patterns), false);
    assert.equal(mayInvite('@mallory:evil.example', patterns), false);
    assert.equal(mayInvite('@mallory:evil.example#agent.douane.tchap.gouv.fr', patterns), false);
    const servers = { allowedInviters: [], allowedServers: ['agent.dgfip.tchap.gouv.fr'], botUserId: BOT };
    assert.equal(mayInvite('@agent:agent.dgfip.tchap.gouv.fr', servers), true);
    assert.equal(mayInvite('@agent:agent.douane.tchap.gouv.fr', servers), false, 'not even the bot’s own server');
  });

  it('both settings restrict: naming inviters narrows an allowed server to them (AND, not OR)', () => {
    const settings = { allowedInviters: ['@chef.*:agent.douane.tchap.gouv.fr'], allowedServers: ['agent.douane.tchap.gouv.fr'], botUserId: BOT };
    assert.equal(mayInvite('@chef.brigade:agent.douane.tchap.gouv.fr', settings), true);
    assert.equal(mayInvite('@agent:agent.douane.tchap.gouv.fr', settings), false, 'an allowed server does not admit inviters outside the list');
    const outside = { allowedInviters: ['@chef.*:agent.finances.tchap.gouv.fr'], allowedServers: ['agent.douane.tchap.gouv.fr'], botUserId: BOT };
    assert.equal(mayInvite('@chef.service:agent.finances.tchap.gouv.fr', outside), false, 'a listed inviter on a server not allowed');
  });

  it('takes a bare entry of allowedInviters as a homeserver name', () => {
    assert.equal(mayInvite('@a:agent.douane.tchap.gouv.fr', { allowedInviters: ['agent.douane.tchap.gouv.fr'], allowedServers: [], botUserId: BOT }), true);
  });

  it('accepts only the bot’s own homeserver when nothing is configured', () => {
    const settings = { allowedInviters: [], allowedServers: [], botUserId: BOT };
    assert.equal(mayInvite('@a:agent.douane.tchap.gouv.fr', settings), true);
    assert.equal(mayInvite('@a:matrix.org', settings), false);
  });

  it('rejects malformed inviters and treats pattern characters literally', () => {
    const settings = { allowedInviters: ['@a.b:x.fr'], allowedServers: [], botUserId: BOT };
    assert.equal(mayInvite('', settings), false);
    assert.equal(mayInvite('not-a-user', settings), false);
    assert.equal(mayInvite('@aXb:x.fr', settings), false, 'a dot is not a wildcard');
    assert.equal(globToRegExp('@*:x.fr').test('@ANY:X.FR'), true, 'case-insensitive');
  });
});
