import { askCommand } from './ask-command.ts';
import { chatCommand, demoCommand } from './chat-command.ts';
import type { Command } from './command.ts';
import { configCommand } from './config-command.ts';
import { evalCommand } from './eval-command.ts';
import { ingestCommand } from './ingest-command.ts';
import { removeCommand } from './remove-command.ts';
import { searchCommand } from './search-command.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  ingest: ingestCommand,
  remove: removeCommand,
  search: searchCommand,
  eval: evalCommand,
  ask: askCommand,
  chat: chatCommand,
  demo: demoCommand,
  config: configCommand,
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([, command]) => `  passerelle ${command.summary}`);
  return `Usage :\n${lines.join('\n')}\n`;
}
