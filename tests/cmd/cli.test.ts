import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = new URL("../../dist/cli/wheelhouse.cjs", import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("wheelhouse CLI shell", () => {
  it("lists every command in --help", async () => {
    const { code, stdout } = await cli("--help");
    expect(code).toBe(0);
    for (const c of [
      "sync",
      "serve",
      "install",
      "bundle",
      "import",
      "export",
      "add",
      "list",
      "verify",
      "remove",
      "status",
      "gc",
      "du",
    ]) {
      expect(stdout).toContain(`  ${c} `);
    }
  });

  it("prints the version", async () => {
    const { code, stdout } = await cli("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    ["sync", "--index-url"],
    ["serve", "--port"],
    ["install", "--find-links"],
    ["bundle", "--output"],
  ])("lists the flags of %s in its --help", async (command, flag) => {
    const { code, stdout } = await cli(command, "--help");
    expect(code).toBe(0);
    expect(stdout).toContain(flag);
  });

  it("exits 2 on an unknown flag and names it", async () => {
    const { code, stderr } = await cli("--bogus");
    expect(code).toBe(2);
    expect(stderr).toContain("--bogus");
  });

  it("exits 2 on an unknown command flag and names it", async () => {
    const { code, stderr } = await cli("list", "--frobnicate");
    expect(code).toBe(2);
    expect(stderr).toContain("--frobnicate");
  });

  it("exits 2 on an unknown command and names it", async () => {
    const { code, stderr } = await cli("frob");
    expect(code).toBe(2);
    expect(stderr).toContain("frob");
  });

  it.each([
    [
      "a store that is not there (verify)",
      ["verify", "--store", "/nonexistent/store"],
      1,
      "no store at",
    ],
    [
      "a store that is not there (list)",
      ["list", "--store", "/nonexistent/store"],
      1,
      "no store at",
    ],
    ["an archive that is not there", ["import", "/nonexistent/a.tar.gz"], 2, "does not exist"],
    ["an index URL that is not a URL", ["sync", "x", "-i", "notaurl"], 2, "is not a URL"],
    [
      "an index strategy sync does not know",
      ["sync", "x", "--index-strategy", "unsafe-first-match"],
      2,
      '--index-strategy "unsafe-first-match" is not one of first-index, unsafe-best-match',
    ],
    ["a base URL that is not a URL", ["serve", "--base-url", "notaurl"], 2, "--base-url"],
    [
      "a find-links folder that is not there",
      [
        "install",
        "--no-store",
        "--venv",
        "/nonexistent/venv",
        "-f",
        "/nonexistent/links",
        "x",
        "--dry-run",
      ],
      1,
      "does not exist",
    ],
  ])("answers %s with a clear error", async (_what, args, code, text) => {
    const ran = await cli(...args);
    expect(ran.code).toBe(code);
    expect(ran.stderr).toMatch(/^error: /);
    expect(ran.stderr).toContain(text);
    expect(ran.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("prints a JSON error on stdout with --json when a command fails", async () => {
    const { code, stdout } = await cli("sync", "--json");
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      error: expect.objectContaining({
        code: "USAGE_NO_REQUIREMENTS",
        message: expect.any(String),
      }),
    });
  });

  it("says a port is in use instead of printing a stack", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const { port } = blocker.address() as AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), "wh-cli-port-"));
    try {
      const ran = await cli("serve", "--store", join(dir, "s"), "--port", String(port));
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain("the port is in use");
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
