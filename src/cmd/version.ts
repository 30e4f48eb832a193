// The tool's version, read once from package.json beside dist/.
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** The wheelhouse version, e.g. "0.1.0". */
export const VERSION: string = pkg.version;
