export { readFilePages, type FileSourceConfig, type ReadFilePagesOptions } from "./read-file-pages";
export { resolveDataPath, resolveDataFile, type ResolvedDataFile } from "./resolve-path";
export { FileSourceError, type FileSourceField } from "./errors";
export { fileFormatFor, type FileFormat } from "./format";
export { DEFAULT_PAGE_SIZE, type FileRecord } from "./pages";
