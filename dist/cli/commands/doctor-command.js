import { diagnose, formatDiagnosis } from "../../app/doctor/doctor.js";
import { parseCommandArgs, UsageError } from "./command.js";
/**
 * `passerelle doctor [--json] [--timeout <secondes>]`: checks the configuration and every configured
 * dependency, prints what to fix (French). Exit 0 when nothing blocks (warnings allowed), 1 otherwise.
 */
export const doctorCommand = {
    async run(args, context) {
        const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, timeout: { type: 'string' } });
        const seconds = values.timeout === undefined ? 10 : Number(values.timeout);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300)
            throw new UsageError('--timeout attend un nombre de secondes entre 1 et 300');
        const diagnosis = await diagnose(context.config, context.logger, { timeoutMs: Math.round(seconds * 1000) });
        context.out(values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : formatDiagnosis(diagnosis));
        return diagnosis.failures > 0 ? 1 : 0;
    },
};
