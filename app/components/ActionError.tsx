// Why an action was refused, announced to screen readers.
export function ActionError({ error }: { error: string | null }) {
  return error ? (
    <span className="changes-error" role="alert">
      {error}
    </span>
  ) : null;
}
