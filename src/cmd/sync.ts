// `wheelhouse sync`: placeholder until its issue lands.
import { WheelhouseError } from "../pep/errors.js";

/** Run `wheelhouse sync`; resolves to the exit code. */
export async function run(_args: string[], _options: Record<string, unknown>): Promise<number> {
  throw new WheelhouseError("NOT_IMPLEMENTED", "`wheelhouse sync` is not implemented yet");
}
