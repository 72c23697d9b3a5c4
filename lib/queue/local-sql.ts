// SQL of the in-process queue: one table, single statements only (the client may be one
// shared connection, so no multi-statement transactions). Works on PGlite and PostgreSQL.

export const LOCAL_SCHEMA = `
create table if not exists assetbook_jobs (
  id bigserial primary key,
  task text not null,
  payload jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  job_key text unique,
  queue_name text,
  priority integer not null default 0,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts >= 1),
  last_error text,
  locked_by text,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists assetbook_jobs_ready on assetbook_jobs (priority, run_at, id) where status = 'queued';
create index if not exists assetbook_jobs_running on assetbook_jobs (queue_name) where status = 'running';
`;

export const INSERT_JOB = `
insert into assetbook_jobs (task, payload, job_key, queue_name, priority, run_at, max_attempts)
values ($1, $2::jsonb, $3, $4, $5, coalesce($6::timestamptz, now()), $7)
on conflict (job_key) do nothing
returning id::text as id`;

export const JOB_ID_BY_KEY = `select id::text as id from assetbook_jobs where job_key = $1`;

const LEASE = `now() + ($2::integer * interval '1 millisecond')`;

/** $1 worker id, $2 lease ms, $3 task names. The claimed row is locked while it is chosen. */
export const CLAIM_JOB = `
update assetbook_jobs
set status = 'running', attempts = attempts + 1, locked_by = $1, locked_until = ${LEASE}, updated_at = now()
where id = (
  select j.id from assetbook_jobs j
  where j.status = 'queued' and j.run_at <= now() and j.task = any($3::text[])
    and (j.queue_name is null or not exists (
      select 1 from assetbook_jobs r where r.status = 'running' and r.queue_name = j.queue_name))
  order by j.priority, j.run_at, j.id
  limit 1
  for update skip locked)
returning id::text as id, task, payload, attempts, max_attempts`;

/** Releases jobs whose lease ran out: their worker died or froze. */
export const REAP_EXPIRED = `
update assetbook_jobs
set status = case when attempts >= max_attempts then 'failed' else 'queued' end,
    last_error = 'attempt ' || attempts || ': lock expired, worker ' || coalesce(locked_by, '?') || ' stopped heartbeating',
    locked_by = null, locked_until = null, run_at = now(), updated_at = now()
where status = 'running' and locked_until < now()
returning id`;

/** $1 worker id, $2 lease ms. */
export const RENEW_WORKER_LEASES = `
update assetbook_jobs set locked_until = ${LEASE}
where status = 'running' and locked_by = $1`;

/** $1 worker id, $2 lease ms, $3 job id, $4 attempt. */
export const RENEW_JOB_LEASE = `
update assetbook_jobs set locked_until = ${LEASE}
where status = 'running' and locked_by = $1 and id = $3::bigint and attempts = $4
returning id`;

/** The fence: only the holder of this attempt may report it. $1 id, $2 worker, $3 attempt. */
const FENCE = `id = $1::bigint and locked_by = $2 and attempts = $3 and status = 'running'`;

export const COMPLETE_JOB = `
update assetbook_jobs set status = 'succeeded', locked_by = null, locked_until = null, updated_at = now()
where ${FENCE}
returning id`;

/** $4 error message, $5 retry delay ms. */
export const FAIL_JOB = `
update assetbook_jobs
set status = case when attempts >= max_attempts then 'failed' else 'queued' end,
    last_error = $4, run_at = now() + ($5::integer * interval '1 millisecond'),
    locked_by = null, locked_until = null, updated_at = now()
where ${FENCE}
returning id`;

export const CANCEL_JOB = `
update assetbook_jobs set status = 'cancelled', updated_at = now()
where id = $1::bigint and status = 'queued'
returning id`;

export const GET_JOB = `
select id::text as id, task, payload, status, attempts, max_attempts, last_error, job_key, queue_name, run_at
from assetbook_jobs where id = $1::bigint`;
