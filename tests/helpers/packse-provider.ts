// Test helper: a Provider over the packse corpus's built index read from disk (no HTTP):
// project pages from `simple-html/<project>/index.html` (PEP 503 HTML), metadata and build
// requirements read out of the files in `files/` by the store's inspector.
// Trap: the pages link "../../files/<name>", so their URL must be the page's own file: URL.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type CandidateFile,
  type CandidateMetadata,
  candidateMetadata,
  DEFAULT_BUILD_REQUIRES,
  type Provider,
} from "../../src/mirror/resolve/provider.js";
import { parseProjectHtml } from "../../src/pep/simple-html.js";
import { type InspectedDistribution, inspectDistribution } from "../../src/store/inspect.js";

/** Reads `<root>/simple-html` and `<root>/files` of a packse build. */
export class PackseProvider implements Provider {
  private readonly inspected = new Map<string, Promise<InspectedDistribution>>();

  constructor(private readonly root: string) {}

  async listFiles(project: string): Promise<CandidateFile[]> {
    const page = join(this.root, "simple-html", project, "index.html");
    if (!existsSync(page)) return [];
    const parsed = parseProjectHtml(await readFile(page, "utf8"), pathToFileURL(page).href);
    return parsed.files.map((f) => {
      const file: CandidateFile = {
        filename: f.filename,
        url: f.url,
        yanked: f.yanked,
        source: pathToFileURL(join(this.root, "simple-html")).href,
        hasCoreMetadata: f.coreMetadata !== false,
      };
      if (f.hashes.sha256) file.sha256 = f.hashes.sha256;
      if (f.requiresPython !== undefined) file.requiresPython = f.requiresPython;
      if (f.size !== undefined) file.size = f.size;
      if (f.uploadTime !== undefined) file.uploadTime = f.uploadTime;
      return file;
    });
  }

  private inspect(file: CandidateFile): Promise<InspectedDistribution> {
    let p = this.inspected.get(file.url);
    if (!p) {
      p = inspectDistribution(fileURLToPath(file.url), file.filename);
      this.inspected.set(file.url, p);
    }
    return p;
  }

  async getMetadata(file: CandidateFile): Promise<CandidateMetadata> {
    return candidateMetadata((await this.inspect(file)).metadata);
  }

  async getBuildRequires(file: CandidateFile): Promise<string[]> {
    return (await this.inspect(file)).buildRequires ?? [...DEFAULT_BUILD_REQUIRES];
  }
}
