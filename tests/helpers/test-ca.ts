// Test helper: a private certificate authority made with the openssl CLI at test time, with a
// server certificate for 127.0.0.1 and a client certificate signed by it. Tests that need it
// skip where openssl is absent.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import type { RequestListener } from "node:http";
import { createServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** Paths of the PEM files made in a folder. */
export interface TestCa {
  /** The CA's certificate. */
  ca: string;
  serverKey: string;
  /** Server certificate for IP 127.0.0.1. */
  serverCert: string;
  /** The client certificate alone. */
  clientCert: string;
  /** The client certificate followed by its private key (pip's --client-cert format). */
  clientBundle: string;
}

/** Whether the openssl CLI runs here. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Make the CA and both certificates in `dir` (valid 2 days). */
export async function makeTestCa(dir: string): Promise<TestCa> {
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const days = ["-days", "2"];
  const key = (name: string) => ["-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`];
  openssl(
    "req",
    "-x509",
    ...key("ca"),
    "-out",
    "ca.pem",
    ...days,
    "-subj",
    "/CN=wheelhouse test CA",
  );
  await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    openssl("req", ...key(name), "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    const ext = name === "server" ? ["-extfile", "san.ext"] : [];
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      ...days,
      ...ext,
    );
  }
  const bundle =
    (await readFile(join(dir, "client.pem"), "utf8")) +
    (await readFile(join(dir, "client.key"), "utf8"));
  await writeFile(join(dir, "client-bundle.pem"), bundle);
  return {
    ca: join(dir, "ca.pem"),
    serverKey: join(dir, "server.key"),
    serverCert: join(dir, "server.pem"),
    clientCert: join(dir, "client.pem"),
    clientBundle: join(dir, "client-bundle.pem"),
  };
}

/** An HTTPS server on 127.0.0.1 (port 0) with the CA's server certificate. */
export interface HttpsServer {
  /** `https://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/** Start `handler` over HTTPS; `options` adds to the key and certificate (e.g. requestCert). */
export async function startHttpsServer(
  made: TestCa,
  handler: RequestListener,
  options: ServerOptions = {},
): Promise<HttpsServer> {
  const server = createServer(
    { key: await readFile(made.serverKey), cert: await readFile(made.serverCert), ...options },
    handler,
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
