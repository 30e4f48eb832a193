// The public library API of wheelhouse: `import { ... } from "wheelhouse"`.
// Pure standards code lives in pep/ and is re-exported here.

export * from "./pep/accept.js";
export * from "./pep/core-metadata.js";
export * from "./pep/errors.js";
export * from "./pep/filename.js";
export * from "./pep/marker.js";
export * from "./pep/names.js";
export * from "./pep/pylock.js";
export * from "./pep/record.js";
export * from "./pep/requirement.js";
export * from "./pep/requirements-txt.js";
export * from "./pep/simple-html.js";
export * from "./pep/simple-json.js";
export * from "./pep/simple-types.js";
export * from "./pep/specifier.js";
export * from "./pep/tags.js";
export * from "./pep/target.js";
export * from "./pep/version.js";
