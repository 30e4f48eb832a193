// The one error shape of wheelhouse: a stable string `code`, the offending input quoted in the
// message, an optional `hint` for the user and an optional `cause`.
// Trap: `code` is an API; tests and scripts match on it, so never rename a code once published.

/** Options of a {@link WheelhouseError}: a hint for the user and the error that caused it. */
export interface WheelhouseErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * Base class of every error wheelhouse throws on purpose.
 * `code` is stable (e.g. "INVALID_VERSION"); the message quotes the input, e.g.
 * `version "1.0-foo" is invalid: ...`; the CLI prints `error: <message>` then `hint: <hint>`.
 */
export class WheelhouseError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: WheelhouseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WheelhouseError";
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/** Quote user input for an error message: JSON string syntax, so whitespace and quotes show. */
export function quote(input: string): string {
  return JSON.stringify(input);
}

/**
 * A reason an index or admin gave (a yank's, a project status's) for a message: ` ("text")`,
 * or "" when there is none (undefined, or "" as PEP 592 writes a yank without a reason).
 */
export function quotedReason(reason: string | undefined): string {
  return reason === undefined || reason === "" ? "" : ` (${quote(reason)})`;
}
