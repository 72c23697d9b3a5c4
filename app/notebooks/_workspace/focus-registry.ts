// Which cell editors can take focus now, and a cell waiting to be focused once it mounts
// (a new cell's Monaco editor mounts asynchronously).

export type FocusRegistration = (focus: (() => void) | undefined) => void;

export class FocusRegistry {
  private readonly focusers = new Map<string, () => void>();
  private readonly registrations = new Map<string, FocusRegistration>();
  private pending: string | undefined;

  /** A stable registration callback for a cell. */
  registrar(id: string): FocusRegistration {
    let register = this.registrations.get(id);
    if (!register) {
      register = (focus) => {
        if (!focus) {
          this.focusers.delete(id);
          return;
        }
        this.focusers.set(id, focus);
        if (this.pending === id) {
          this.pending = undefined;
          focus();
        }
      };
      this.registrations.set(id, register);
    }
    return register;
  }

  /** Focuses the cell now, or as soon as its editor registers. */
  focus(id: string): void {
    const focus = this.focusers.get(id);
    if (focus) focus();
    else this.pending = id;
  }

  /** The next cell to register takes focus if it is `id`. */
  focusWhenReady(id: string): void {
    this.pending = id;
  }
}

/** The latest value of something, read later by callbacks (not during render). */
export class Latest<T> {
  constructor(private value: T) {}
  set(value: T): void {
    this.value = value;
  }
  readonly get = (): T => this.value;
}
