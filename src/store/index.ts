// The store's programmatic API, for serve, sync, install and bundle. A store is a plain value:
//
//   const store = await openStore(dir);            // creates the layout, migrates the catalog
//   try {
//     // local files: one call, bad files reported, never thrown
//     const report = await addPaths(store, ["dist/"]);
//     // downloads (sync): phase 1 puts blobs, phase 2 commits one project's rows at once
//     const staged = await stageDistribution(store, responseBody, {
//       filename, sha256, size, source: url, uploadTime, yanked, requiresPython });
//     commitProject(store, [staged, ...otherFilesOfTheSameProject]);
//     // reads (serve)
//     listProjects(store); findProject(store, "Flask"); listFiles(store, "flask");
//     findFile(store, filename); blobPath(store, file.sha256); blobPath(store, file.metadataSha256);
//   } finally { closeStore(store); }
//
// Guarantees: a row exists only once its blobs are verified and in place; the same filename
// with other bytes is refused (FILENAME_CONFLICT); the same file again is a no-op; any number of
// processes may read while others write (SQLite WAL).
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (fields)

export {
  type AddEvent,
  type AddOptions,
  type AddReport,
  addPaths,
  collectDistributions,
} from "./add.js";
export {
  type BlobExpectation,
  type BlobRef,
  discardTemp,
  hashFile,
  promoteTemp,
  putBlob,
  putVerifiedBytes,
  type TempBlob,
  verifyBytes,
  writeTemp,
} from "./blobs.js";
export { type CommitResult, commitFiles, commitProject } from "./commit.js";
export { type DiskUsage, diskUsage } from "./du.js";
export { collectGarbage, DEFAULT_GC_GRACE_MS, type GcOptions, type GcReport } from "./gc.js";
export {
  type InspectedDistribution,
  inspectDistribution,
  inspectDistributionBytes,
} from "./inspect.js";
export { isSha256, type StoreLayout, storeLayout } from "./layout.js";
export {
  listProjectStatuses,
  projectStatus,
  quarantinedProjects,
  recordIndexStatus,
  type StoredProjectStatus,
  setLocalProjectStatus,
} from "./project-status.js";
export {
  attestationIdentities,
  attestedFiles,
  iterateProvenances,
  provenanceOf,
  recordProvenance,
  removeOrphanProvenances,
  type StoredProvenance,
} from "./provenance.js";
export {
  checkedProjectName,
  findFile,
  findProject,
  iterateFiles,
  listFiles,
  listProjects,
} from "./queries.js";
export {
  parseRemoveSelector,
  type RemoveOptions,
  type RemoveReport,
  type RemoveSelector,
  removeDistributions,
} from "./remove.js";
export { filenameConflict, type StageInput, stageDistribution } from "./stage.js";
export { blobPath, closeStore, type OpenStoreOptions, openStore, type Store } from "./store.js";
export type {
  PackageType,
  ProjectSummary,
  StagedFile,
  StoredFile,
  UpstreamFacts,
} from "./types.js";
export {
  removeFileRows,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  verifyStore,
} from "./verify.js";
export { type ListedYank, refreshYanked, type YankChange } from "./yank.js";
