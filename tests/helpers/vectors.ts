// Test helper: pypa/packaging 26.3's own test tables in ../shared/corpus/packaging-vectors
// (one JSON file per test, an array of parameter rows), and the error code a call throws.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WheelhouseError } from "../../src/pep/errors.js";
import { corpusPath } from "./corpus.js";

/** The packaging-vectors folder (may not exist). */
export const VECTORS_DIR = corpusPath("packaging-vectors");

/** True when the vectors are present; tables are skipped otherwise. */
export const HAS_VECTORS = existsSync(VECTORS_DIR);

/** A table row of any shape (the tables vary). */
// biome-ignore lint/suspicious/noExplicitAny: JSON tables of varying shapes
export type VectorRow = Record<string, any>;

/**
 * The rows of table `name` (the file name, with or without ".json"), e.g.
 * `readVectors("test_version__TestVersion.test_valid_versions")`.
 */
export function readVectors<T = VectorRow>(name: string): T[] {
  const file = name.endsWith(".json") ? name : `${name}.json`;
  return JSON.parse(readFileSync(join(VECTORS_DIR, file), "utf8")) as T[];
}

/** The `code` of the WheelhouseError `f` throws (other errors as text), or undefined. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WheelhouseError ? e.code : String(e);
  }
  return undefined;
}
