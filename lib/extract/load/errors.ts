// The loader's own failures (a refused check, a record without its key), apart from the
// loader so the SQL path (raw-table.ts) raises the same error the page path does.
export class ExtractLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ExtractLoadError";
  }
}
