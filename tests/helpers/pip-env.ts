// Test and benchmark set-up: the real pip judges our work, so it must see only what a test hands
// it. This machine's pip configuration (PIP_* variables such as PIP_FIND_LINKS, and a user
// pip.conf adding extra indexes and find-links) would otherwise let pip pick files from elsewhere.
// Imported first by vitest (setupFiles) and by the benchmarks: every child process inherits it.

for (const key of Object.keys(process.env)) {
  if (key.startsWith("PIP_")) delete process.env[key];
}
// requests (inside pip) lets these override pip's own --cert: a test's private CA would never count.
delete process.env.REQUESTS_CA_BUNDLE;
delete process.env.CURL_CA_BUNDLE;
process.env.PIP_CONFIG_FILE = "/dev/null";
process.env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
process.env.PIP_NO_INPUT = "1";
