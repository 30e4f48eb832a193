// The requirement inputs of sync and bundle. Its own module, not option-values.ts: the
// requirements-file and pylock parsers it loads are start-up time that serve, gc, import and
// export (which read option values too) should not pay.

import { readSyncInputs, type SyncInputs } from "../mirror/sync/inputs.js";
import { WheelhouseError } from "../pep/errors.js";
import { processEnv, pyprojectOptions, strings } from "./option-values.js";

/**
 * The requirement inputs of sync and bundle (arguments, -r, -c), refusing a run with none.
 * `example` shows the command with a requirement, for the hint.
 * @throws WheelhouseError "USAGE_NO_REQUIREMENTS", and those of readSyncInputs.
 */
export function syncInputsOf(
  args: string[],
  options: Record<string, unknown>,
  verb: string,
  example: string,
): SyncInputs {
  const inputs = readSyncInputs(
    args,
    strings(options.requirement),
    strings(options.constraint),
    processEnv(),
    pyprojectOptions(options),
  );
  // On stderr whatever the output format, as pip prints its warnings.
  for (const warning of inputs.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (inputs.requirements.length === 0 && inputs.locked === undefined) {
    throw new WheelhouseError(
      "USAGE_NO_REQUIREMENTS",
      `nothing to ${verb}: no requirements given`,
      {
        hint: `name requirements (${example}) or a file (-r requirements.txt)`,
      },
    );
  }
  return inputs;
}
