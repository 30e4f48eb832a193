// `wheelhouse serve`: open the store, build the app, listen, log one line per request, and stop
// cleanly on SIGINT/SIGTERM. Wiring only; the routes are in serve/.

import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { quote, WheelhouseError } from "../pep/errors.js";
import { createApp } from "../serve/app.js";
import { listen, type TlsFiles } from "../serve/server.js";
import { closeStore, openStore } from "../store/store.js";
import { wholeNumber } from "./option-values.js";
import { resolveStoreDir } from "./store-dir.js";

/**
 * `--tls-cert` and `--tls-key` read and checked to belong together, or undefined without them.
 * @throws WheelhouseError "USAGE_TLS_INCOMPLETE" for one without the other, "TLS_FILE_UNREADABLE"
 *   naming the file, "TLS_INVALID" when they are not a PEM certificate and its key.
 */
function tlsFiles(options: Record<string, unknown>): TlsFiles | undefined {
  const certPath = options.tlsCert as string | undefined;
  const keyPath = options.tlsKey as string | undefined;
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    throw new WheelhouseError(
      "USAGE_TLS_INCOMPLETE",
      `${certPath === undefined ? "--tls-key" : "--tls-cert"} was given without ${certPath === undefined ? "--tls-cert" : "--tls-key"}`,
      { hint: "HTTPS needs both: --tls-cert CHAIN.pem --tls-key KEY.pem" },
    );
  }
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new WheelhouseError(
        "TLS_FILE_UNREADABLE",
        `${what} ${quote(path)} cannot be read: ${(cause as Error).message}`,
        { cause, hint: "check the path and its permissions" },
      );
    }
  };
  const tls = { cert: read(certPath, "--tls-cert"), key: read(keyPath, "--tls-key") };
  try {
    createSecureContext(tls);
  } catch (cause) {
    throw new WheelhouseError(
      "TLS_INVALID",
      `--tls-cert ${quote(certPath)} and --tls-key ${quote(keyPath)} are not a PEM certificate and its private key: ${(cause as Error).message}`,
      {
        cause,
        hint: "give the certificate chain (leaf first) and the unencrypted key that signs it",
      },
    );
  }
  return tls;
}

/** Run `wheelhouse serve`; resolves to the exit code once the server has stopped. */
export async function run(_args: string[], options: Record<string, unknown>): Promise<number> {
  const port = Number(options.port ?? 8080);
  // Number("") is 0: an empty value (an unset shell variable) must not mean "any free port".
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(options.port).trim() === "") {
    throw new WheelhouseError(
      "USAGE_INVALID_PORT",
      `--port ${quote(String(options.port))} is not a port number`,
      {
        hint: "give 0 to 65535 (0 picks a free port)",
      },
    );
  }
  const host = String(options.host ?? "127.0.0.1");
  const token = (options.uploadToken as string | undefined) ?? process.env.WHEELHOUSE_UPLOAD_TOKEN;
  const baseUrl = options.baseUrl as string | undefined;
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `--base-url ${quote(baseUrl)} is not an http(s) URL`,
      {
        hint: "give the URL clients reach this server at, e.g. https://pypi.internal.example/",
      },
    );
  }
  const quiet = options.quiet === true;
  const tls = tlsFiles(options);
  const maxUploadMiB = wholeNumber(options.maxUploadSize ?? "1024", "--max-upload-size");
  const store = await openStore(resolveStoreDir(options), { mayBeReadOnly: true });
  if (store.readOnly && token) {
    closeStore(store);
    throw new WheelhouseError(
      "STORE_READ_ONLY",
      `store ${quote(store.layout.dir)} cannot be written, so it cannot take uploads`,
      { hint: "serve it without --upload-token, or serve a writable copy" },
    );
  }
  const app = createApp({
    store,
    ...(baseUrl ? { baseUrl } : {}),
    ...(token ? { uploadToken: token } : {}),
    maxUploadBytes: maxUploadMiB * 1024 * 1024,
    ...(quiet
      ? {}
      : { log: (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) }),
  });
  const server = await listen(app, host, port, tls).catch((cause: NodeJS.ErrnoException) => {
    closeStore(store);
    const why =
      cause.code === "EADDRINUSE"
        ? "the port is in use"
        : cause.code === "EACCES"
          ? "permission denied (ports below 1024 need privileges)"
          : cause.code === "EADDRNOTAVAIL" || cause.code === "ENOTFOUND"
            ? "no such address on this machine"
            : cause.message;
    throw new WheelhouseError(
      "SERVE_LISTEN_FAILED",
      `cannot listen on ${quote(`${host}:${port}`)}: ${why}`,
      { cause, hint: "pick another --port (0 takes a free one) or --host" },
    );
  });
  const banner = {
    url: `${server.url}/simple/`,
    links: `${server.url}/links/`,
    uploads: token ? `${server.url}/legacy/` : null,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(banner)}\n`);
  else {
    process.stdout.write(
      `wheelhouse serving ${store.layout.dir}${store.readOnly ? " (read-only)" : ""}\n  simple index: ${banner.url}\n  find-links:   ${banner.links}\n`,
    );
    if (banner.uploads)
      process.stdout.write(`  uploads:      ${banner.uploads} (user __token__)\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  closeStore(store);
  process.stderr.write("wheelhouse serve: stopped\n");
  return 0;
}
