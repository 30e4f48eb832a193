// Read a few members of a tar archive (.tar.gz or .tar.bz2 sdists) into memory, streaming the
// rest past. gzip is node's zlib (tar detects it); bzip2 is decoded with seek-bzip because node
// has no bzip2 and legacy sdists (PEP 625 predates them) still use it.
// Spec: https://www.gnu.org/software/tar/manual/html_node/Standard.html, PEP 625 (sdist names)
// Traps:
// - Member paths may start with "./"; they are normalized before matching.
// - tar's parser only warns on damage unless `strict`, so strict mode turns damage into errors.
// - seek-bzip decodes a whole buffer at once; sdists are small, and the size is capped.

import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { Parser, type ReadEntry } from "tar";
import { quote, WheelhouseError } from "../pep/errors.js";
import Bunzip from "./seek-bzip.js";
import { MAX_MEMBER_BYTES } from "./zip-reader.js";

/** The largest .tar.bz2 decoded in memory, in bytes. */
const MAX_BZIP2_BYTES = 512 * 1024 * 1024;

/**
 * The members of the tar at `path` whose normalized names satisfy `want`, as name -> bytes.
 * `compression` is "gzip" (or none, detected) or "bzip2"; `label` names the file in errors.
 * @throws WheelhouseError "CORRUPT_ARCHIVE" when the file is not a readable tar.
 */
export async function readTarMembers(
  path: string,
  compression: "gzip" | "bzip2",
  want: (name: string) => boolean,
  label: string,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  try {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const name = entry.path.replace(/^(\.\/)+/, "");
        if ((entry.type === "File" || entry.type === "OldFile") && want(name)) {
          if (entry.size > MAX_MEMBER_BYTES) {
            parser.emit("error", new Error(`member ${quote(name)} is too large`));
            return;
          }
          const chunks: Buffer[] = [];
          entry.on("data", (c: Buffer) => chunks.push(c));
          entry.on("end", () => found.set(name, Buffer.concat(chunks)));
        } else {
          entry.resume();
        }
      },
    });
    const done = new Promise<void>((resolve, reject) => {
      parser.on("end", () => resolve());
      parser.on("error", reject);
    });
    if (compression === "bzip2") {
      if ((await stat(path)).size > MAX_BZIP2_BYTES) throw new Error("too large to decode");
      parser.end(Bunzip.decode(await readFile(path)));
    } else {
      const input = createReadStream(path);
      input.on("error", (e) => parser.emit("error", e));
      input.pipe(parser as unknown as NodeJS.WritableStream);
    }
    await done;
  } catch (error) {
    throw new WheelhouseError(
      "CORRUPT_ARCHIVE",
      `${quote(label)} is not a readable ${compression === "bzip2" ? ".tar.bz2" : ".tar.gz"} archive: ${(error as Error).message ?? error}`,
      { cause: error, hint: "re-download the file" },
    );
  }
  return found;
}
