// A wheel opened for installing: its members (with the unix mode bits zip tools keep in the
// upper half of the external attributes) and streams of their bytes, read with yauzl.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (external attributes),
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Traps:
// - Members are streamed, never read whole, except small ones asked for with read(): native
//   libraries can be hundreds of MB.
// - yauzl checks each member's CRC and sizes while streaming; a damaged member fails there.

import yauzl from "yauzl";
import { quote, WheelhouseError } from "../../pep/errors.js";

/** One member of the wheel. */
export interface WheelMember {
  name: string;
  /** Unix mode says symlink (0o120000). */
  isSymlink: boolean;
  /** Any execute bit is set. */
  executable: boolean;
}

/** An open wheel. */
export interface OpenWheel {
  entries: WheelMember[];
  read(name: string): Promise<Buffer>;
  stream(name: string): Promise<NodeJS.ReadableStream>;
  close(): void;
}

function damaged(filename: string, error: unknown): WheelhouseError {
  const message = (error as Error).message;
  const notZip = /end of central directory|not a zip/i.test(message);
  return new WheelhouseError(
    notZip ? "NOT_A_ZIP" : "CORRUPT_ARCHIVE",
    notZip
      ? `wheel ${quote(filename)} is not a zip archive`
      : `wheel ${quote(filename)} is a damaged zip archive: ${message}`,
    { cause: error, hint: "a wheel is a zip file; re-download or rebuild it" },
  );
}

/**
 * Open the wheel at `path` and list its members. `filename` names it in errors.
 * @throws WheelhouseError "NOT_A_ZIP" / "CORRUPT_ARCHIVE"; stream() and read() throw
 *   "CORRUPT_ARCHIVE" for a damaged member.
 */
export async function openWheel(path: string, filename: string): Promise<OpenWheel> {
  let zip: yauzl.ZipFile;
  const byName = new Map<string, yauzl.Entry>();
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (e, z) =>
        e ? reject(e) : resolve(z),
      ),
    );
  } catch (error) {
    throw damaged(filename, error);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        byName.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on("end", resolve);
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw damaged(filename, error);
  }
  const stream = async (name: string): Promise<NodeJS.ReadableStream> => {
    const entry = byName.get(name);
    if (!entry) throw damaged(filename, new Error(`no member ${quote(name)}`));
    try {
      const s = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry, (e, r) => (e ? reject(e) : resolve(r))),
      );
      // Errors while streaming (CRC, truncated data) surface as CORRUPT_ARCHIVE too.
      const { PassThrough } = await import("node:stream");
      const out = new PassThrough();
      s.on("error", (e) => out.destroy(damaged(filename, e)));
      s.pipe(out);
      return out;
    } catch (error) {
      throw damaged(filename, error);
    }
  };
  return {
    entries: [...byName.values()].map((e) => {
      const mode = (e.externalFileAttributes >>> 16) & 0xffff;
      return {
        name: e.fileName,
        isSymlink: (mode & 0o170000) === 0o120000,
        executable: (mode & 0o111) !== 0,
      };
    }),
    stream,
    read: async (name) => {
      const chunks: Buffer[] = [];
      for await (const c of await stream(name)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}
