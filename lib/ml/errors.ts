/** Bad input to an ML cell. `field` is the config key at fault; the caller prefixes the cell name. */
export class MlInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = "MlInputError";
    this.field = field;
  }
}

/** Training stopped because its AbortSignal fired. */
export class MlCancelledError extends Error {
  constructor() {
    super("training cancelled");
    this.name = "MlCancelledError";
  }
}
