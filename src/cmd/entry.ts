// The `wheelhouse` executable as built (dist/cli/wheelhouse.cjs, see rolldown.config.mjs, which
// puts the sh launcher above it): takes NODE_EXTRA_CA_CERTS back from the launcher, sets V8's
// flags, turns on the code cache for the CLI's other files, then runs main.ts. Kept to that:
// this file is the one the code cache cannot cover.

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { takeDeferredCaCerts } from "../mirror/deferred-ca-certs.js";
import { tuneV8 } from "../mirror/v8-flags.js";
import { useCodeCache } from "./code-cache.js";

takeDeferredCaCerts();
tuneV8();
useCodeCache(dirname(fileURLToPath(import.meta.url)));
void import("./main.js");
