// Read a few members of a tar archive (.tar.gz or .tar.bz2 sdists) into memory, streaming the
// rest past. gzip is node's zlib (tar detects it); bzip2 is decoded with seek-bzip because node
// has no bzip2 and legacy sdists (PEP 625 predates them) still use it.
// Spec: https://www.gnu.org/software/tar/manual/html_node/Standard.html, PEP 625 (sdist names)
// Traps:
// - Member paths may start with "./"; they are normalized before matching.
// - tar's parser only warns on damage unless `strict`, so strict mode turns damage into errors.
// - seek-bzip decodes a whole buffer at once; sdists are small, and the size is capped. Every
//   bzip2 stream is decoded (pbzip2 writes several), see seek-bzip.ts.

import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { Parser, type ReadEntry } from "tar";
import { quote, WheelhouseError } from "../pep/errors.js";
import { decodeBzip2 } from "./seek-bzip.js";
import { MAX_MEMBER_BYTES } from "./zip-reader.js";

/** The largest .tar.bz2 decoded in memory, in bytes. */
const MAX_BZIP2_BYTES = 512 * 1024 * 1024;

/** Compressed bytes are fed to the parser in slices of this size, to stop early. */
const SLICE = 256 * 1024;

async function* slices(source: string | Buffer, compression: "gzip" | "bzip2") {
  if (compression === "bzip2") {
    const size = typeof source === "string" ? (await stat(source)).size : source.length;
    if (size > MAX_BZIP2_BYTES) throw new Error("too large to decode in memory");
    source = decodeBzip2(typeof source === "string" ? await readFile(source) : source);
  }
  if (typeof source === "string") {
    yield* createReadStream(source, { highWaterMark: SLICE }) as AsyncIterable<Buffer>;
  } else {
    for (let i = 0; i < source.length; i += SLICE) yield source.subarray(i, i + SLICE);
  }
}

/**
 * The members of a tar (`source`: a path or the file's bytes) whose normalized names satisfy
 * `want`, as name -> bytes. Reading stops as soon as `enough(found)` is true.
 * `compression` is "gzip" (or none, detected) or "bzip2"; `label` names the file in errors.
 * @throws WheelhouseError "CORRUPT_ARCHIVE" when the file is not a readable tar.
 */
export async function readTarMembers(
  source: string | Buffer,
  compression: "gzip" | "bzip2",
  want: (name: string) => boolean,
  label: string,
  enough: (found: Map<string, Buffer>) => boolean = () => false,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let failure: unknown;
  let ended = false;
  try {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const name = entry.path.replace(/^(\.\/)+/, "");
        if ((entry.type === "File" || entry.type === "OldFile") && want(name)) {
          if (entry.size > MAX_MEMBER_BYTES) {
            failure ??= new Error(`member ${quote(name)} is too large`);
            entry.resume();
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
    parser.on("error", (e: unknown) => {
      failure ??= e;
    });
    parser.on("end", () => {
      ended = true;
    });
    for await (const chunk of slices(source, compression)) {
      parser.write(chunk);
      if (failure !== undefined) throw failure;
      if (enough(found)) return found;
    }
    parser.end();
    if (!ended && failure === undefined) {
      await new Promise<void>((resolve) => {
        for (const event of ["end", "error", "close"]) parser.on(event, () => resolve());
      });
    }
    if (failure !== undefined) throw failure;
  } catch (error) {
    throw new WheelhouseError(
      "CORRUPT_ARCHIVE",
      `${quote(label)} is not a readable ${compression === "bzip2" ? ".tar.bz2" : ".tar.gz"} archive: ${(error as Error).message ?? error}`,
      { cause: error, hint: "re-download the file" },
    );
  }
  return found;
}
