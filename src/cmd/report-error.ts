// Prints an error the way every command does: `error: <message>` then `hint: <hint>`.
// Returns the exit code: 2 for usage errors (code starting with "USAGE"), else 1.
import { WheelhouseError } from "../pep/errors.js";

/** Print `error`/`hint` lines to stderr and return the exit code for `error`. */
export function reportError(error: unknown): number {
  if (error instanceof WheelhouseError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.code.startsWith("USAGE") ? 2 : 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
