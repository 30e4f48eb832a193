// Benchmark helper: nginx (Debian's /usr/sbin/nginx) serving a folder on 127.0.0.1 as the
// reference server, one worker, no access log, sendfile on; stopped by the caller.
// Traps: nginx workers run as an unprivileged user, so the folder is made world-readable;
// `index index.html` makes a directory URL serve its index page, as a static PEP 503 tree needs.

import { execFile, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** A running nginx: its base URL ("http://127.0.0.1:PORT") and a stop function. */
export interface Nginx {
  url: string;
  stop(): void;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start nginx over `root`, with its config, pid and temp files in `dir`. `types` maps file
 * extensions to content types (nginx `types` block syntax: "text/html html; ...").
 */
export async function startNginx(dir: string, root: string, types: string): Promise<Nginx> {
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  const tmp = join(dir, "nginx-tmp");
  await mkdir(tmp, { recursive: true });
  await writeFile(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "nginx-error.log")};
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { ${types} }
  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp};
  uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};
  server { listen 127.0.0.1:${port}; root ${root}; index index.html; etag on; }
}
`,
  );
  await exec("chmod", ["-R", "a+rX", dir]);
  const nginx = spawn("/usr/sbin/nginx", ["-c", conf, "-p", dir], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  return { url: `http://127.0.0.1:${port}`, stop: () => nginx.kill("SIGTERM") };
}
