// `wheelhouse import`: placeholder until its issue lands.
import { WheelhouseError } from "../pep/errors.js";

/** Run `wheelhouse import`; resolves to the exit code. */
export async function run(_args: string[], _options: Record<string, unknown>): Promise<number> {
  throw new WheelhouseError("NOT_IMPLEMENTED", "`wheelhouse import` is not implemented yet");
}
