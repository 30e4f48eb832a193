// coreMetadataJson: the JSON-compatible form of core metadata (core metadata specification),
// as pip's installation report carries it.

import { describe, expect, it } from "vitest";
import { coreMetadataJson, parseCoreMetadata } from "../../src/pep/core-metadata.js";

describe("coreMetadataJson", () => {
  it("lower-cases keys with _ for -, lists multiple-use fields, splits keywords, keeps the body", () => {
    const m = parseCoreMetadata(
      [
        "Metadata-Version: 2.4",
        "Name: Demo-Pkg",
        "Version: 1.0",
        "Keywords: web,http , client",
        "Classifier: A",
        "Requires-Dist: idna",
        "Project-URL: Home, https://h.test",
        "X-Custom: one",
        "X-Custom: two",
        "",
        "The body.",
        "",
      ].join("\n"),
    );
    expect(coreMetadataJson(m)).toEqual({
      metadata_version: "2.4",
      name: "Demo-Pkg",
      version: "1.0",
      keywords: ["web", "http", "client"],
      classifier: ["A"],
      requires_dist: ["idna"],
      project_url: ["Home, https://h.test"],
      x_custom: ["one", "two"],
      description: "The body.\n",
    });
  });

  it("splits keywords without commas on whitespace, as pip reads old files", () => {
    const m = parseCoreMetadata("Metadata-Version: 1.0\nName: a\nVersion: 1\nKeywords: one two\n");
    expect(coreMetadataJson(m).keywords).toEqual(["one", "two"]);
  });
});
