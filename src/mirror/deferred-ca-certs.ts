// NODE_EXTRA_CA_CERTS, loaded when a TLS connection is about to need it instead of at every
// start of the CLI.
// Why: Node 20 reads that file, and parses its own bundled root certificates with it, while it
// starts, before any of our code runs: 0.03 s of every command on a machine that points it at
// the system bundle (144 certificates here), installs from local folders included, which open no
// connection. Node 22 defers it on its own; Node 20 cannot be asked to.
// How: the launcher at the top of dist/cli/wheelhouse.cjs (sh lines, see rolldown.config.mjs)
// moves the variable to WHEELHOUSE_DEFERRED_CA_CERTS and starts node. `takeDeferredCaCerts()`
// (first thing the CLI does) puts it back in process.env, so child processes see the user's
// environment unchanged. `trustDeferredCaCerts()` (called by the HTTP layer's dispatcher,
// mirror/http, before its first connection: sync's upstreams and install's find-links URLs) then
// makes TLS trust what Node would have trusted: its roots plus the file's certificates.
// Traps:
// - Node's TLS client (tls.connect, under undici and the built-in fetch alike) builds its
//   context with `tls.createSecureContext(options)` looked up on the module's exports, so
//   wrapping that function reaches every client; the `syswide-cas` package does the same.
//   Contexts given their own `ca` (`--cert`) are left alone, as Node leaves them.
// - Adding 144 certificates to a context costs about 24 ms, and clients build one context per
//   connection: contexts are kept by the options that shape them, so each kind is built once.
// - A worker thread has its own copy of node:tls: one that opened TLS connections would have to
//   call trustDeferredCaCerts() itself (none does: install's writers and sync touch no network
//   off the main thread).
// - A file Node could not have loaded (missing, unreadable, no certificate in it) gets the
//   warning Node prints at start, once, and the roots alone, as Node does.
// Docs: https://nodejs.org/docs/latest-v20.x/api/cli.html#node_extra_ca_certsfile ,
// https://nodejs.org/docs/latest-v20.x/api/tls.html#tlscreatesecurecontextoptions

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Tls from "node:tls";

/** The variable the launcher moves NODE_EXTRA_CA_CERTS to. */
const DEFERRED_VARIABLE = "WHEELHOUSE_DEFERRED_CA_CERTS";

/** The options `tls.createSecureContext` reads (Node 20, lib/internal/tls/secure-context.js). */
const CONTEXT_OPTIONS = [
  "allowPartialTrustChain",
  "ca",
  "cert",
  "ciphers",
  "clientCertEngine",
  "crl",
  "dhparam",
  "ecdhCurve",
  "honorCipherOrder",
  "key",
  "maxVersion",
  "minVersion",
  "passphrase",
  "pfx",
  "privateKeyEngine",
  "privateKeyIdentifier",
  "secureOptions",
  "secureProtocol",
  "sessionIdContext",
  "sessionTimeout",
  "sigalgs",
  "ticketKeys",
] as const;

let deferredFile: string | undefined;
let trusting = false;

/**
 * Take the file the launcher deferred (if any) and put NODE_EXTRA_CA_CERTS back in `env` for
 * child processes. Call once, first; a process started without the launcher has nothing to take.
 */
export function takeDeferredCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[DEFERRED_VARIABLE];
  if (file === undefined) return;
  delete env[DEFERRED_VARIABLE];
  if (file === "") return;
  env.NODE_EXTRA_CA_CERTS = file;
  deferredFile = file;
}

/** The deferred file, when the launcher deferred one (for tests). */
export function deferredCaFile(): string | undefined {
  return deferredFile;
}

/** The warning Node 20 prints at start for an extra-certs file it cannot load. */
function warnIgnored(file: string, failure: string): void {
  process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${failure}`);
}

/** The file's certificates as PEM blocks; undefined (after Node's warning) when it has none. */
function readCertificates(file: string): string[] | undefined {
  let failure: string;
  try {
    const blocks = readFileSync(file, "latin1").match(
      /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----[\s\S]*?-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g,
    );
    if (blocks !== null) return blocks;
    failure = "no certificate in the file";
  } catch (cause) {
    failure = (cause as Error).message;
  }
  warnIgnored(file, failure);
  return undefined;
}

/**
 * Add `pems` to `context` in order. At the first one OpenSSL refuses, warn as Node does and stop;
 * `pems` is cut to the ones before it, so later contexts get the same and no second warning.
 */
function addCertificates(context: Tls.SecureContext, pems: string[], file: string): void {
  const native = (context as unknown as { context: { addCACert(pem: string): void } }).context;
  for (const [index, pem] of pems.entries()) {
    try {
      native.addCACert(pem);
    } catch (cause) {
      pems.length = index;
      warnIgnored(file, (cause as Error).message);
      return;
    }
  }
}

/**
 * Make every TLS context built from now on without its own `ca` trust Node's roots plus the
 * deferred NODE_EXTRA_CA_CERTS file's certificates, as Node would have at start. Does nothing
 * when nothing was deferred; idempotent. Reads the file on the first context built.
 */
export function trustDeferredCaCerts(): void {
  if (deferredFile === undefined || trusting) return;
  trusting = true;
  const file = deferredFile;
  const tls = createRequire(import.meta.url)("node:tls") as typeof Tls;
  const create = tls.createSecureContext;
  let extra: string[] | undefined | null = null;
  const built = new Map<string, Tls.SecureContext>();
  tls.createSecureContext = function createTrustingContext(options?: Tls.SecureContextOptions) {
    if (options?.ca) return create(options); // Node's own test: a falsy `ca` means the roots
    if (extra === null) extra = readCertificates(file);
    if (extra === undefined) return create(options);
    const values = CONTEXT_OPTIONS.map((name) => options?.[name] ?? null);
    const shape = values.every((value) => value === null || typeof value !== "object")
      ? JSON.stringify(values)
      : undefined;
    let context = shape === undefined ? undefined : built.get(shape);
    if (context === undefined) {
      context = create(options);
      addCertificates(context, extra, file);
      if (shape !== undefined) built.set(shape, context);
    }
    return context;
  };
}
