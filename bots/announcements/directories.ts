/**
 * Where group audiences come from, injected so that they can be faked in tests: Microsoft Graph for Teams
 * teams and Entra groups (adapters/teams/graph-directory.ts fits `TeamsDirectory` as is), the Matrix client
 * for the members of a Tchap room. Both are optional: without them `equipe:`, `groupe:` and `membres:` are
 * refused with a clear message.
 */

export interface DirectoryMember {
  /** Entra object id (the id Teams references carry as userId). */
  id: string;
}

export interface TeamsDirectory {
  teamMembers(teamId: string): Promise<DirectoryMember[]>;
  groupMembers(groupId: string): Promise<DirectoryMember[]>;
  /**
   * Installs the app for these users (Microsoft Graph, adapters/teams/app-installer.ts) so that Teams opens
   * their personal conversation with the bot; absent: members without a conversation are not reached.
   */
  installApp?(userIds: string[]): Promise<AppInstallReport>;
}

/** Who was installed now, who already had the app, who could not be reached and why (French). */
export interface AppInstallReport {
  installed: string[];
  already: string[];
  failed: Array<{ id: string; reason: string }>;
}

export interface MatrixRoomDirectory {
  /** Matrix ids of the room's joined members. */
  joinedMembers(roomId: string): Promise<string[]>;
}

/** The Tchap announcement rooms the bot keeps (bots/announcements/announcement-rooms.ts). */
export interface AnnouncementRoomDirectory {
  list(): Promise<Array<{ roomId: string; service: string; members: string[] }>>;
}

/** Set by the composition root once the channels exist (serve-command); read at each resolution. */
export interface AudienceDirectories {
  /** Tchap announcement rooms (`annonces:`, and large Tchap audiences). */
  announcementRooms?: AnnouncementRoomDirectory;
  teams?: TeamsDirectory;
  matrix?: MatrixRoomDirectory;
  /** The bot's own Matrix id, left out of `membres:`. */
  matrixBotUserId?: string;
}
