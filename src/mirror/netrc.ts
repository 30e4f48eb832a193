// Read a .netrc file and find the login and password for a host, as pip does it (requests'
// get_netrc_auth over Python's netrc module; golden answers in tests/mirror/golden/).
// Spec (informal, no RFC): the GNU inetutils ftp manual, "The .netrc file":
// https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html and
// https://docs.python.org/3/library/netrc.html
// Traps:
// - Tokens are separated by any whitespace, newlines included: "machine a login b password c"
//   may sit on one line or spread over several.
// - A token may be double-quoted; a backslash escapes the next character inside or outside
//   quotes ("p\ w" is "p w").
// - A token starting with `#` where an entry or keyword is expected starts a comment: when it is
//   followed by more on its line, that rest is skipped. A value (`password #x`) is never one.
// - `macdef NAME` starts a macro whose body runs up to the next line that is exactly empty; it
//   must be skipped, or its words would be read as tokens.
// - `default` matches any host and is used only when no `machine` entry matches, wherever it is.
// - The LAST entry for a machine wins (Python's netrc; curl keeps the first).
// - `user` means `login`; an entry without a login gives its `account` as the login (requests).
// - Hosts are matched without the port (a netrc has no port field), case-insensitively.

import { existsSync } from "node:fs";
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

/** Python's netrc lexer: tokens, and reading the rest of a line (comments, macro bodies). */
class Lexer {
  private pos = 0;
  /** Line of the next character, from 1. */
  line = 1;
  constructor(private readonly text: string) {}

  private read(): string {
    const ch = this.text[this.pos++] ?? "";
    if (ch === "\n") this.line++;
    return ch;
  }

  /** The next token, or "" at the end. */
  token(): string {
    let ch = this.read();
    while (ch !== "" && /[\n\t\r ]/.test(ch)) ch = this.read();
    let token = "";
    if (ch === '"') {
      for (ch = this.read(); ch !== "" && ch !== '"'; ch = this.read()) {
        token += ch === "\\" ? this.read() : ch;
      }
      return token;
    }
    for (; ch !== "" && !/[\n\t\r ]/.test(ch); ch = this.read()) {
      token += ch === "\\" ? this.read() : ch;
    }
    return token;
  }

  /** The rest of the current line, with its newline ("" at the end). */
  restOfLine(): string {
    const end = this.text.indexOf("\n", this.pos);
    const stop = end === -1 ? this.text.length : end + 1;
    const rest = this.text.slice(this.pos, stop);
    this.pos = stop;
    if (end !== -1) this.line++;
    return rest;
  }
}

/**
 * Parse .netrc text. Unknown tokens are skipped rather than failing (Python's netrc refuses the
 * whole file): a netrc is often shared with other tools that add their own keywords.
 */
export function parseNetrc(text: string): Netrc {
  const lexer = new Lexer(text.replace(/\r\n?/g, "\n"));
  const netrc: Netrc = { machines: new Map() };
  let pushed: string | undefined;
  const next = () => {
    const t = pushed ?? lexer.token();
    pushed = undefined;
    return t;
  };
  for (;;) {
    const line = lexer.line;
    const keyword = next();
    if (keyword === "") break;
    if (keyword.startsWith("#")) {
      if (keyword === "#" && lexer.line === line) lexer.restOfLine();
      continue;
    }
    if (keyword === "macdef") {
      lexer.token();
      for (let body = lexer.restOfLine(); body !== "" && body !== "\n"; ) {
        body = lexer.restOfLine();
      }
      continue;
    }
    if (keyword !== "machine" && keyword !== "default") continue;
    const machine = keyword === "machine" ? next().toLowerCase() : undefined;
    let login = "";
    let account = "";
    let password = "";
    for (;;) {
      const before = lexer.line;
      const key = next();
      if (key.startsWith("#")) {
        if (lexer.line === before) lexer.restOfLine();
        continue;
      }
      if (key === "" || key === "machine" || key === "default" || key === "macdef") {
        pushed = key;
        break;
      }
      const value = next();
      if (key === "login" || key === "user") login = value;
      else if (key === "account") account = value;
      else if (key === "password") password = value;
    }
    const entry: NetrcEntry = { login: login || account, password };
    if (machine === undefined) netrc.default = entry;
    else netrc.machines.set(machine, entry);
  }
  return netrc;
}

/** The credentials for `hostname` (no port): its machine entry, else the default entry. */
export function lookupNetrc(netrc: Netrc, hostname: string): NetrcEntry | undefined {
  return netrc.machines.get(hostname.toLowerCase()) ?? netrc.default;
}

/**
 * Where the netrc lives, as requests looks for it: `$NETRC` whenever it is set (even empty, which
 * means none), else `~/.netrc`, else `~/_netrc` when only that one exists. `~` is `$HOME`.
 */
export function defaultNetrcPath(env: Record<string, string | undefined> = process.env): string {
  if (env.NETRC !== undefined) return env.NETRC;
  const home = env.HOME || homedir();
  const dot = join(home, ".netrc");
  const underscore = join(home, "_netrc");
  return !existsSync(dot) && existsSync(underscore) ? underscore : dot;
}

/**
 * A lookup of host credentials in the netrc at `path` (null: none), which reads the file once,
 * on the first lookup.
 */
export function netrcLookup(
  path: string | null,
): (hostname: string) => Promise<NetrcEntry | undefined> {
  let netrc: Promise<Netrc | undefined> | undefined;
  return async (hostname) => {
    if (path === null) return undefined;
    netrc ??= loadNetrc(path);
    const loaded = await netrc;
    return loaded && lookupNetrc(loaded, hostname);
  };
}

/** Read and parse the netrc at `path`; undefined when the file does not exist or is unreadable. */
export async function loadNetrc(path: string): Promise<Netrc | undefined> {
  if (path === "") return undefined;
  try {
    return parseNetrc(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}
