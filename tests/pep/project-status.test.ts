// PEP 792 project status markers in both serializations: read (JSON `status` or the PEP text's
// `state`; HTML metas), written, and a malformed status ignored rather than failing the page.
import { describe, expect, it } from "vitest";
import { parseProjectHtml, renderProjectHtml } from "../../src/pep/simple-html.js";
import { parseProjectJson, renderProjectJson } from "../../src/pep/simple-json.js";
import type { ProjectPage } from "../../src/pep/simple-types.js";

const URL = "https://index.example/simple/sampleproject/";

describe("PEP 792 project status", () => {
  it("reads the JSON key as PyPI writes it, and as the PEP's text names it", () => {
    const json = (status: unknown) =>
      JSON.stringify({
        meta: { "api-version": "1.4" },
        name: "sampleproject",
        "project-status": status,
        files: [],
      });
    expect(
      parseProjectJson(json({ status: "quarantined", reason: "the project is haunted" }), URL)
        .status,
    ).toEqual({ status: "quarantined", reason: "the project is haunted" });
    expect(parseProjectJson(json({ state: "Archived" }), URL).status).toEqual({
      status: "archived",
    });
    for (const bad of [null, "archived", { status: 3 }, { status: "" }, []]) {
      const page = parseProjectJson(json(bad), URL);
      expect(page.status).toBeUndefined();
      expect(page.files).toEqual([]);
    }
  });

  it("reads the HTML metas, in any case", () => {
    const html =
      '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.4">' +
      '<meta name="PyPI:Project-Status" content="deprecated">' +
      '<meta name="pypi:project-status-reason" content="use &quot;other&quot; instead">' +
      "<title>Links for sampleproject</title></head><body></body></html>";
    expect(parseProjectHtml(html, URL).status).toEqual({
      status: "deprecated",
      reason: 'use "other" instead',
    });
    expect(parseProjectHtml("<html><body></body></html>", URL).status).toBeUndefined();
  });

  it("writes what it reads, in both serializations", () => {
    const page: ProjectPage = {
      name: "sampleproject",
      files: [],
      versions: [],
      apiVersion: "1.4",
      status: { status: "archived", reason: "done <for> now" },
    };
    const json = renderProjectJson(page);
    expect(JSON.parse(json)["project-status"]).toEqual({
      status: "archived",
      reason: "done <for> now",
    });
    expect(parseProjectJson(json, URL).status).toEqual(page.status);
    const html = renderProjectHtml(page);
    expect(html).toContain('<meta name="pypi:project-status" content="archived">');
    expect(html).toContain(
      '<meta name="pypi:project-status-reason" content="done &lt;for&gt; now">',
    );
    expect(parseProjectHtml(html, URL).status).toEqual(page.status);
    const plain = { ...page, status: undefined };
    expect(renderProjectJson(plain)).not.toContain("project-status");
    expect(renderProjectHtml(plain)).not.toContain("project-status");
  });
});
