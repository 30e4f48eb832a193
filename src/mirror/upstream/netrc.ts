// Read a .netrc file and find the login and password for a host, as curl, pip (via requests) and
// Python's netrc module do.
// Spec (informal, no RFC): the GNU inetutils ftp manual, "The .netrc file":
// https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html
// Traps:
// - Tokens are separated by any whitespace, newlines included: "machine a login b password c"
//   may sit on one line or spread over several.
// - `macdef NAME` starts a macro whose body runs up to the next empty line; it must be skipped,
//   or its words would be read as tokens.
// - `default` matches any host and is used only when no `machine` entry matches, wherever it is.
// - Hosts are matched without the port (a netrc has no port field), case-insensitively.
// - Values may be double-quoted (with backslash escapes), as Python's netrc accepts.

import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Credentials for one host. */
export interface NetrcEntry {
  login: string;
  password: string;
}

/** A parsed .netrc: entries by lower-case machine name, and the `default` entry if any. */
export interface Netrc {
  machines: Map<string, NetrcEntry>;
  default?: NetrcEntry;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
    for (let m = re.exec(lines[i]); m !== null; m = re.exec(lines[i])) {
      const token = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
      if (m[2] === "macdef") {
        // The macro body is the rest of this line's tokens' lines up to the next empty line.
        while (i + 1 < lines.length && lines[i + 1].trim() !== "") i++;
        i++;
        break;
      }
      tokens.push(token);
    }
  }
  return tokens;
}

/**
 * Parse .netrc text. Unknown tokens are skipped rather than failing: a netrc is often shared with
 * other tools that add their own keywords. The first entry for a machine wins (as in curl).
 */
export function parseNetrc(text: string): Netrc {
  const tokens = tokenize(text);
  const netrc: Netrc = { machines: new Map() };
  let i = 0;
  while (i < tokens.length) {
    const keyword = tokens[i++];
    if (keyword !== "machine" && keyword !== "default") continue;
    const machine = keyword === "machine" ? (tokens[i++] ?? "").toLowerCase() : undefined;
    const entry: NetrcEntry = { login: "", password: "" };
    while (i < tokens.length && tokens[i] !== "machine" && tokens[i] !== "default") {
      const key = tokens[i++];
      const value = tokens[i++] ?? "";
      if (key === "login") entry.login = value;
      else if (key === "password") entry.password = value;
    }
    if (machine === undefined) netrc.default ??= entry;
    else if (!netrc.machines.has(machine)) netrc.machines.set(machine, entry);
  }
  return netrc;
}

/** The credentials for `hostname` (no port): its machine entry, else the default entry. */
export function lookupNetrc(netrc: Netrc, hostname: string): NetrcEntry | undefined {
  return netrc.machines.get(hostname.toLowerCase()) ?? netrc.default;
}

/**
 * Where the netrc lives: `$NETRC` when set, else `~/.netrc` (`~/_netrc` is not tried; it is a
 * Windows-only habit of some tools).
 */
export function defaultNetrcPath(env: Record<string, string | undefined> = process.env): string {
  return env.NETRC || join(homedir(), ".netrc");
}

/** Read and parse the netrc at `path`; undefined when the file does not exist or is unreadable. */
export async function loadNetrc(path: string): Promise<Netrc | undefined> {
  try {
    return parseNetrc(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}
