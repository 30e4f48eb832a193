// `wheelhouse status` through the built CLI: set, show and list statuses; a quarantined project's
// stored files are passed over by install and bundle, with a warning saying why.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let root: string;
let store: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-status-"));
  store = join(root, "store");
  await mkdir(join(root, "in"));
  await writeDistributions(join(root, "in"), [
    await buildWheel({ name: "app", version: "1.0", requiresDist: ["evil"] }),
    await buildWheel({ name: "evil", version: "1.0" }),
  ]);
  expect((await wheelhouse(["add", "--store", store, join(root, "in")])).code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("wheelhouse status", () => {
  it("sets, shows and lists a project's status", async () => {
    const set = await wheelhouse([
      "status",
      "--store",
      store,
      "Evil",
      "quarantined",
      "--reason",
      "malware",
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^evil: quarantined \("malware"\), set here \d{4}-/);
    const all = await wheelhouse(["status", "--store", store, "--json"]);
    expect(JSON.parse(all.stdout)).toEqual([
      expect.objectContaining({
        name: "evil",
        status: "quarantined",
        reason: "malware",
        source: "local",
      }),
    ]);
    const app = await wheelhouse(["status", "--store", store, "app"]);
    expect(app.stdout).toBe("app: active\n");
    const list = await wheelhouse(["list", "--store", store]);
    expect(list.stdout).toMatch(/^evil {2}1 file {2}\S+ \S+ {2}quarantined$/m);
    const one = await wheelhouse(["list", "--store", store, "evil"]);
    expect(one.stdout.split("\n")[0]).toBe("evil (evil)  quarantined: malware");
  });

  it("leaves a quarantined project's stored files out of install and bundle, saying why", async () => {
    const install = await wheelhouse([
      "install",
      "--store",
      store,
      "--venv",
      join(root, "venv"),
      "--dry-run",
      "app",
    ]);
    expect(install.code).toBe(1);
    expect(install.stderr).toContain(
      'warning: project "evil" is quarantined in the store ("malware"): none of its stored files is used',
    );
    const bundle = await wheelhouse([
      "bundle",
      "--store",
      store,
      "-o",
      join(root, "b.tar.gz"),
      "app",
    ]);
    expect(bundle.code).toBe(1);
    expect(bundle.stderr).toContain('project "evil" is quarantined in the store');
  });

  it("refuses an unknown status and a reason without a status", async () => {
    const bad = await wheelhouse(["status", "--store", store, "evil", "abandoned"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`project status "abandoned" is not one of PEP 792's`);
    const reason = await wheelhouse(["status", "--store", store, "evil", "--reason", "x"]);
    expect(reason.code).toBe(2);
    const cleared = await wheelhouse(["status", "--store", store, "evil", "active"]);
    expect(cleared.stdout).toBe("evil: active\n");
  });
});
