// Runs once when the server starts: opens the catalog (migrations, notebook sync) and,
// on first run, prints the one-time setup link to the server log; in embedded mode it starts
// the workers in this process.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { appContext, startAppWorkers } = await import("./app/_lib/server-context");
  await appContext();
  await startAppWorkers();
}
