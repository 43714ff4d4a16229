import { redactConfig } from "../../config/load-config.js";
/** `passerelle config`: the effective configuration, secrets masked. */
export const configCommand = {
    async run(_args, context) {
        context.out(`${JSON.stringify(redactConfig(context.config), null, 2)}\n`);
        return 0;
    },
};
