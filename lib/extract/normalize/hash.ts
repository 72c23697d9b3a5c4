// The row keys' hash lives beside the notebook format, which names workspace macros by the
// same content hash (the lowest layer both reach, and it runs in the browser too).
export { canonicalJson, stableHash } from "../../notebook/stable-hash";
