// Test helper: where ../shared/corpus is, and whether it is there. Tests use it when present and
// fall back to generated distributions when absent.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of the shared corpus folder (may not exist). */
export const CORPUS_DIR = fileURLToPath(new URL("../../../shared/corpus/", import.meta.url));

/** True when the shared corpus is present beside the repository. */
export const HAS_CORPUS = existsSync(CORPUS_DIR);

/** Path inside the corpus. */
export function corpusPath(...parts: string[]): string {
  return [CORPUS_DIR.replace(/\/$/, ""), ...parts].join("/");
}
