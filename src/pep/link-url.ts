// Resolving the hrefs of a simple API page against its base URL, the way the WHATWG URL parser
// does (https://url.spec.whatwg.org/#concept-basic-url-parser), with a string-only fast path for
// the common shape: a relative path ("../../files/x.whl#sha256=...") or an absolute path
// ("/files/x.whl") under an http(s) base. A project page lists hundreds of files and `new URL`
// plus the `hash` setter cost more than the rest of reading an anchor.
// Traps:
// - The fast path takes only characters the parser copies unchanged: no percent-encoding (space,
//   quotes, "<>", "`", "{}", "^", "|", non-ASCII), no tab or newline (the parser deletes them
//   anywhere), no "\\" (a slash in special URLs), no ":" (a scheme), no "?" (a query). Anything
//   else goes to `new URL`.
// - Dot segments include their percent-encoded forms: "%2e" is ".", ".%2E" is ".." (any case).
// - A dot segment at the end leaves a trailing empty segment: "a/.." is "a/"'s parent plus "/".
// - The base's query and fragment never survive a path reference; its last path segment is
//   dropped for a relative one and its whole path for an absolute one.

/** An href resolved: the URL without its fragment, its last path segment (raw), its fragment. */
export interface ResolvedLink {
  /** The serialized URL with the fragment removed (what `url.hash = ""; url.href` gives). */
  url: string;
  /** The last path segment as serialized (still percent-encoded); "" when the path ends in "/". */
  lastSegment: string;
  /** `URL.hash`: "" when there is no fragment or it is empty, else "#" and the fragment. */
  hash: string;
}

// Path characters the URL parser copies as they are, "/" aside; the first may not be "/".
const SIMPLE_HREF =
  /^\/?[A-Za-z0-9\-._~!$&'()*+,;=@%][A-Za-z0-9\-._~!$&'()*+,;=@%/]*(?:#[\x21\x23-\x3b\x3d\x3f-\x5f\x61-\x7e]*)?$/;

// A segment that may be a dot segment ("."/".." in any spelling): such paths take the slow loop.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

function isSingleDot(s: string): boolean {
  return s === "." || (s.length === 3 && s.toLowerCase() === "%2e");
}

function isDoubleDot(s: string): boolean {
  if (s === "..") return true;
  if (s.length !== 4 && s.length !== 6) return false;
  const l = s.toLowerCase();
  return l === ".%2e" || l === "%2e." || l === "%2e%2e";
}

function generalResolve(href: string, base: URL): ResolvedLink | undefined {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  const hash = url.hash;
  url.hash = "";
  const path = url.pathname;
  return { url: url.href, lastSegment: path.slice(path.lastIndexOf("/") + 1), hash };
}

/**
 * A resolver of hrefs against `base`: what `new URL(href, base)` gives, fragment split off, or
 * undefined when that throws. `href` must already be trimmed of surrounding whitespace. Results
 * are byte-identical to the URL parser's; the fast path is used only where that is certain.
 */
export function createLinkResolver(base: URL): (href: string) => ResolvedLink | undefined {
  const special = base.protocol === "http:" || base.protocol === "https:";
  if (!special) return (href) => generalResolve(href, base);
  const whole = base.href;
  // Special URLs always have a host and a path starting with "/": the first "/" after "//"
  // begins the path (userinfo and host serialize "/" percent-encoded).
  const origin = whole.slice(0, whole.indexOf("/", base.protocol.length + 2));
  const basePath = base.pathname;
  const dir = basePath.slice(1, basePath.lastIndexOf("/"));
  const dirSegments = basePath.lastIndexOf("/") > 0 ? dir.split("/") : [];
  // origin + "/d1/d2..." keeping the first n directory segments, by n.
  const heads: string[] = [];
  const head = (n: number) => {
    heads[n] ??=
      origin +
      dirSegments
        .slice(0, n)
        .map((s) => `/${s}`)
        .join("");
    return heads[n];
  };
  return (href) => {
    if (!SIMPLE_HREF.test(href)) return generalResolve(href, base);
    const hashAt = href.indexOf("#");
    const path = hashAt < 0 ? href : href.slice(0, hashAt);
    const hash = hashAt < 0 || hashAt === href.length - 1 ? "" : href.slice(hashAt);
    const absolute = path.charCodeAt(0) === 47; // "/"
    // The usual shape: "../" and "./" steps, then segments none of which is a dot segment.
    let at = absolute ? 1 : 0;
    let up = 0;
    for (;;) {
      if (path.startsWith("../", at)) {
        up++;
        at += 3;
      } else if (path.startsWith("./", at)) at += 2;
      else break;
    }
    const rest = path.slice(at);
    if (!DOT_SEGMENT.test(rest)) {
      const kept = absolute ? 0 : Math.max(0, dirSegments.length - up);
      return {
        url: `${head(kept)}/${rest}`,
        lastSegment: rest.slice(rest.lastIndexOf("/") + 1),
        hash,
      };
    }
    const parts = (absolute ? path.slice(1) : path).split("/");
    const segments = absolute ? [] : dirSegments.slice();
    const last = parts.length - 1;
    for (let i = 0; i <= last; i++) {
      const s = parts[i];
      if (isDoubleDot(s)) {
        segments.pop();
        if (i === last) segments.push("");
      } else if (isSingleDot(s)) {
        if (i === last) segments.push("");
      } else {
        segments.push(s);
      }
    }
    return {
      url: `${origin}/${segments.join("/")}`,
      lastSegment: segments[segments.length - 1],
      hash,
    };
  };
}
