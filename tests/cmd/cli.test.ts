import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = new URL("../../dist/cmd/main.js", import.meta.url).pathname;

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
});
