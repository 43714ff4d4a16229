/**
 * Where group audiences come from, injected so that they can be faked in tests: Microsoft Graph for Teams
 * teams and Entra groups (adapters/teams/graph-directory.ts fits `TeamsDirectory` as is), the Matrix client
 * for the members of a Tchap room. Both are optional: without them `equipe:`, `groupe:` and `membres:` are
 * refused with a clear message.
 */
export {};
