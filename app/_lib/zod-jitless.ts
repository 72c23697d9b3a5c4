// Imported first by code that runs under the CSP without 'unsafe-eval' (the ML worker):
// zod probes `Function("")` when a schema is built, which the browser reports as a CSP
// violation. Jitless, zod interprets its schemas and never probes.
import { config } from "zod";

config({ jitless: true });
