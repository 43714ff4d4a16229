import { CloudAdapter, type Activity, type ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';

/** What botbuilder's authentication returns for an accepted request (claims, caller id, connector factory). */
export type AuthenticatedRequest = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * botbuilder's CloudAdapter, with its inbound turn reachable once the request has been authenticated by the
 * endpoint. `CloudAdapter.process` expects an express-like request and writes errors to the console; the
 * endpoint reads and checks the body itself (size, JSON, shape, tenant), authenticates with the same
 * BotFrameworkAuthentication, then runs the turn through the protected `processActivity`.
 */
export class PasserelleCloudAdapter extends CloudAdapter {
  /** Validates the Authorization header for this activity; throws when it is absent or invalid. */
  authenticate(activity: Partial<Activity>, authorization: string): Promise<AuthenticatedRequest> {
    return this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authorization);
  }

  /** Runs one inbound turn with an already authenticated request. */
  async runTurn(request: AuthenticatedRequest, activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.processActivity(request, activity as Activity, logic);
  }
}
