// SQL of the graphile-worker adapter. graphile-worker owns its schema (`graphile_worker`,
// migrated by graphile itself); we add three small tables beside it:
// - assetbook_gw_jobs: a shadow record of each job (graphile deletes a job when it succeeds,
//   and we keep the outcome, attempts and last error);
// - assetbook_gw_keys: the idempotency keys (graphile's job_key only dedupes while queued);
// - assetbook_gw_workers: worker-pool heartbeats, for releasing a dead pool's jobs long before
//   graphile's fixed 4-hour lock timeout.
// We also touch graphile's private job table in three statements (retry with our backoff,
// release of dead pools, cancel). Those rely on graphile-worker 0.17's schema.

export const GW = "graphile_worker";
/** locked_by of a job waiting for its retry: locked, so graphile's failJob is a no-op on it. */
export const RETRY_MARK = "assetbook:retry";

export const GW_SCHEMA = [
  `create table if not exists assetbook_gw_keys (job_key text primary key, job_id bigint)`,
  `create table if not exists assetbook_gw_jobs (
    id bigint primary key,
    job_key text,
    task text not null,
    payload json not null,
    queue_name text,
    max_attempts integer not null,
    status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts integer not null default 0,
    last_error text,
    run_at timestamptz not null,
    finished_at timestamptz)`,
  `create table if not exists assetbook_gw_workers (pool_id text primary key, beat_at timestamptz not null)`,
  `create or replace function assetbook_gw_enqueue(
     p_task text, p_payload json, p_key text, p_queue text, p_run_at timestamptz, p_max integer, p_priority integer)
   returns table (job_id bigint, created boolean) language plpgsql volatile as $$
   declare v_id bigint;
   begin
     if p_key is not null then
       insert into assetbook_gw_keys (job_key) values (p_key) on conflict do nothing;
       if not found then
         return query select k.job_id, false from assetbook_gw_keys k where k.job_key = p_key;
         return;
       end if;
     end if;
     v_id := (${GW}.add_job(identifier => p_task, payload => p_payload, queue_name => p_queue,
       run_at => p_run_at, max_attempts => p_max, priority => p_priority)).id;
     insert into assetbook_gw_jobs (id, job_key, task, payload, queue_name, max_attempts, run_at)
       values (v_id, p_key, p_task, p_payload, p_queue, p_max, coalesce(p_run_at, now()));
     if p_key is not null then
       update assetbook_gw_keys set job_id = v_id where job_key = p_key;
     end if;
     return query select v_id, true;
   end $$`,
];

export const ENQUEUE = `select job_id::text as id, created from assetbook_gw_enqueue($1, $2::json, $3, $4, $5::timestamptz, $6, $7)`;

/** A pool's first heartbeat, before its first job; BEAT keeps it fresh from then on. $1 pool id. */
export const REGISTER_POOL = `
insert into assetbook_gw_workers (pool_id, beat_at) values ($1, now())
on conflict (pool_id) do update set beat_at = now()`;

/** $1 pool ids. */
export const BEAT = `update assetbook_gw_workers set beat_at = now() where pool_id = any($1::text[])`;

/** The fence: records success only while this pool still holds this attempt. $1 id, $2 attempt, $3 pool. */
export const MARK_SUCCEEDED = `
update assetbook_gw_jobs s set status = 'succeeded', attempts = $2, last_error = l.last_error, finished_at = now()
from ${GW}._private_jobs l
where s.id = $1::bigint and l.id = s.id and l.locked_by = $3 and l.attempts = $2
returning s.id`;

/**
 * A failed attempt that will be retried: parked under RETRY_MARK (still locked) until
 * run_at; RELEASE_RETRIES unlocks it then. The queue lock, if any, is freed now.
 * $1 id, $2 attempt, $3 pool, $4 error, $5 delay ms.
 */
export const PARK_FOR_RETRY = `
with j as (
  update ${GW}._private_jobs set locked_by = '${RETRY_MARK}', last_error = $4,
    run_at = now() + ($5::integer * interval '1 millisecond')
  where id = $1::bigint and locked_by = $3 and attempts = $2
  returning id, job_queue_id),
q as (
  update ${GW}._private_job_queues qq set locked_by = null, locked_at = null
  from j where qq.id = j.job_queue_id and qq.locked_by = $3)
update assetbook_gw_jobs s set attempts = $2, last_error = $4 from j where s.id = j.id
returning s.id`;

export const RELEASE_RETRIES = `
with r as (
  update ${GW}._private_jobs set locked_by = null, locked_at = null
  where locked_by = '${RETRY_MARK}' and run_at <= now()
  returning id)
select count(*)::integer as n from r`;

export const NOTIFY = `select pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":' || $1::text || '}')`;

/** $1 id, $2 attempt, $3 error. The last attempt failed: graphile keeps the job as failed. */
export const MARK_FAILED = `update assetbook_gw_jobs set attempts = $2, last_error = $3, status = 'failed' where id = $1::bigint`;

/** Releases jobs of pools that stopped heartbeating. $1 lock timeout ms. */
export const REAP_DEAD_POOLS = `
with stale as (
  select distinct j.locked_by as pool from ${GW}._private_jobs j
  where j.locked_by is not null and j.locked_by <> '${RETRY_MARK}'
    and j.locked_at < now() - ($1::integer * interval '1 millisecond')
    and not exists (select 1 from assetbook_gw_workers w
      where w.pool_id = j.locked_by and w.beat_at > now() - ($1::integer * interval '1 millisecond'))),
j as (
  update ${GW}._private_jobs j set locked_by = null, locked_at = null, run_at = greatest(j.run_at, now()),
    last_error = 'attempt ' || j.attempts || ': lock expired, worker ' || j.locked_by || ' stopped heartbeating'
  from stale where j.locked_by = stale.pool
  returning j.id),
q as (
  update ${GW}._private_job_queues qq set locked_by = null, locked_at = null
  from stale where qq.locked_by = stale.pool)
select count(*)::integer as n from j`;

/** The shadow record keeps the attempts of the job it replaces (a running job's live in graphile's row). */
export const CANCEL = `
with d as (
  delete from ${GW}._private_jobs
  where id = $1::bigint and (locked_at is null or locked_by = '${RETRY_MARK}') and attempts < max_attempts
  returning id, attempts)
update assetbook_gw_jobs s set status = 'cancelled', attempts = d.attempts, finished_at = now() from d where s.id = d.id
returning s.id`;

export const GET_JOB = `
select s.id::text as id, s.task, coalesce(l.payload, s.payload) as payload,
  case
    when l.id is null then s.status
    when l.locked_by = '${RETRY_MARK}' then 'queued'
    when l.locked_at is not null then 'running'
    when l.attempts >= l.max_attempts then 'failed'
    else 'queued' end as status,
  coalesce(l.attempts, s.attempts) as attempts, s.max_attempts, coalesce(l.last_error, s.last_error) as last_error,
  s.job_key, s.queue_name, coalesce(l.run_at, s.run_at) as run_at
from assetbook_gw_jobs s left join ${GW}._private_jobs l on l.id = s.id
where s.id = $1::bigint`;
