"use client";
// One labelled <select> of a GET filter form: "any" plus the given values. Choosing a value
// applies the filter at once (the form's button stays for the text fields).
export function FilterSelect({ label, name, value, options }: { label: string; name: string; value: string | undefined; options: readonly string[] }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""} onChange={(event) => event.currentTarget.form?.requestSubmit()}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}
