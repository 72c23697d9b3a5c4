// What every command shares without loading any of them: the usage texts, and the error a
// command throws for a bad argument (the CLI prints it and exits 2).

export class UsageError extends Error {}

export const LIFECYCLE_USAGE = `  assetbook plan PATH... --env NAME [--select SEL] [--partition KEY]... [--data-dir DIR] [--db FILE] [--json]
                                                    what the change adds, removes, rebuilds
  assetbook build PATH... --env NAME [--select SEL] [--partition KEY]... [--data-dir DIR] [--db FILE] [--json]
                                                    build it, reading production in place
  assetbook diff --env NAME [ASSET...] [--key COL] [--db FILE] [--json]
                                                    the data diff of the build against production
  assetbook promote --env NAME [--db FILE] [--json]  make the build production, atomically
  assetbook rollback [--to PROMOTION_ID] [--db FILE] [--json]
  assetbook env list | env drop NAME [--db FILE] [--json]

  PATH is a notebook file or a directory of them (a directory stands for the whole
  project: a production notebook missing from it is removed). A changed partitioned
  notebook is built for its newest partition, or for each --partition KEY it has; production
  backfills its other partitions after the promotion. --select (as for run, over the whole
  project) builds only what it selects, reading production for the rest; a build that leaves
  out a change cannot be promoted. rollback undoes the newest step (a second rollback undoes
  the first); --to PROMOTION_ID restores production as it was before that promotion (the IDs:
  env list --json). Without --db and with ASSETBOOK_SERVER
  set, the commands act on that server (ASSETBOOK_TOKEN authenticates).`;

export const REVIEW_USAGE = `  assetbook review open --base REF [--title T] [--description D] [--branch NAME] [--dir DIR]
                       [--wait] [--timeout SECONDS] [--summary FILE] [--json]
                                                    open or update this branch's review on the server
  assetbook review status [--review N | --branch NAME] [--json]
                                                    exit 0 when it is approved and built, else 1 saying why
  assetbook promote --review N [--json]             promote a review's build (after the merge)`;

export const TRIGGER_COMMAND = `  assetbook trigger NOTEBOOK [--select SEL] [--partition KEY] [--full-refresh] [--param K=V]... [--server URL] [--no-wait]
                                                    run a notebook in production on a server, follow its log`;

export const TRIGGER_OPTIONS = `  trigger: NOTEBOOK is a slug (shop) or its file (notebooks/shop.md); the API token is read
  from $ASSETBOOK_TOKEN only (create one on the server's /settings page).
  --server URL     the Assetbook server (default: $ASSETBOOK_SERVER)
  --partition KEY  run one partition of a partitioned notebook
  --no-wait        print the run's URL and exit without following it`;

export const IMPORT_USAGE = `  assetbook import dbt PATH [--out DIR] [--data-dir DIR] [--force]
                                                    convert a dbt project into notebooks (default --out notebooks,
                                                    seeds copied into --data-dir, default data); prints a report`;
