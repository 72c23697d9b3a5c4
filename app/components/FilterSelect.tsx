// One labelled <select> of a GET filter form: "any" plus the given values.
export function FilterSelect({ label, name, value, options }: { label: string; name: string; value: string | undefined; options: readonly string[] }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}
