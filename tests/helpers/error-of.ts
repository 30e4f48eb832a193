// The WheelhouseError a call throws, as a plain object for toEqual and inline snapshots.
import { WheelhouseError } from "../../src/pep/errors.js";

/**
 * Code, message and hint of the WheelhouseError `fn` throws.
 * @throws what `fn` throws when it is not a WheelhouseError; an Error when it throws nothing.
 */
export function errorOf(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof WheelhouseError)) throw e;
    return { code: e.code, message: e.message, hint: e.hint };
  }
  throw new Error("no error thrown");
}
