import { redactConfig } from '../../config/load-config.ts';
import type { Command } from './command.ts';

/** `passerelle config`: the effective configuration, secrets masked. */
export const configCommand: Command = {
  async run(_args, context) {
    context.out(`${JSON.stringify(redactConfig(context.config), null, 2)}\n`);
    return 0;
  },
};
