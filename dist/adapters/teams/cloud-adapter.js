import { CloudAdapter } from 'botbuilder';
/**
 * botbuilder's CloudAdapter, with its inbound turn reachable once the request has been authenticated by the
 * endpoint. `CloudAdapter.process` expects an express-like request and writes errors to the console; the
 * endpoint reads and checks the body itself (size, JSON, shape, tenant), authenticates with the same
 * BotFrameworkAuthentication, then runs the turn through the protected `processActivity`.
 */
export class PasserelleCloudAdapter extends CloudAdapter {
    /** Validates the Authorization header for this activity; throws when it is absent or invalid. */
    authenticate(activity, authorization) {
        return this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
    }
    /** Runs one inbound turn with an already authenticated request. */
    async runTurn(request, activity, logic) {
        await this.processActivity(request, activity, logic);
    }
}
