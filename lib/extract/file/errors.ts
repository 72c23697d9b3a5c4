// Errors from a file source name the cell key at fault, so the caller can report
// `cell "x": path: ...` without parsing messages.

export type FileSourceField = "path" | "format" | "data_path";

export class FileSourceError extends Error {
  constructor(
    readonly field: FileSourceField,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "FileSourceError";
  }
}
