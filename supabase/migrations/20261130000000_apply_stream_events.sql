-- apply_stream_events: the status worker's bulk write. One call applies a batch of live-state events to
-- public.channels_channel in one statement, looking each channel up by its stream key itself, and answers what it did
-- with every event.
--
--   POST /rest/v1/rpc/apply_stream_events   (service key only)
--   {"events": [{"event_id": "<uuid>", "stream_key": "<text>", "live": true, "at": "2026-11-30T12:00:00.123456Z"}, ...]}
--
-- It answers one row per element, in the elements' order: (event_id uuid, result text, channel_id uuid), which
-- PostgREST sends as a JSON array of {"event_id", "result", "channel_id"}. result is one of
--   applied      the row now holds this event;
--   stale        the row holds a newer one (modified > at): nothing changed;
--   duplicate    the row holds one of exactly this time (modified = at, the same change applied before), or an
--                element of this batch with the same channel and the same at won (see below): nothing changed;
--   superseded   a newer element of the same channel in this batch won: nothing changed by this one;
--   unknown_key  no channel has this stream_id (channel_id is null).
-- Per channel the element with the latest at wins; on equal at the first of them in the array wins and the others
-- answer duplicate, just as if the elements were applied one after another. An element is compared with the row
-- first: one not newer than the row answers stale or duplicate even when a newer element of the batch applied.
-- A row whose modified is null is older than any event. So a replayed batch changes nothing (every element
-- answers duplicate or stale) and writes no row version.
--
-- What it writes, as the per-row PATCH of the worker does:
--   live true:  is_on_live = true,  last_status = 'online',  cover = md5(id::text) || '.jpg', modified = at
--   live false: is_on_live = false, last_status = 'offline', cover kept,                      modified = at
-- It works on the table and column names of supabase/init.sql: a deployment that renames them
-- (supabase.table, supabase.columns.*) must edit it, or leave it out and let the worker write row by row.
--
-- at must carry its offset (Z, as Java's Instant writes it): a time without one would be read in the session's
-- time zone. An element that lacks a field, or has one of the wrong JSON type, fails the whole call with SQLSTATE
-- 22023 naming its position (never its stream key); PostgREST answers 400.
--
-- Concurrency: two workers may apply batches over the same channels at once. The call locks the rows it will read
-- and write in the order of their id before it compares anything, so two calls never wait for each other in a
-- circle (no deadlock), and it compares with the row as the other call committed it (read committed, PostgREST's and
-- PostgreSQL's default, re-reads a row it had to wait for): whatever the interleaving, each row ends with the newest
-- event of all calls.
--
-- Security: security invoker, so it can do no more than its caller, and execute is granted to service_role only
-- (which bypasses row-level security on Supabase and in supabase/init.sql). PostgreSQL grants execute on a new
-- function to PUBLIC, and Supabase's default privileges grant functions in public to anon and authenticated: both
-- are revoked below, or anyone with the public anon key could set channels live. search_path is empty and the
-- table is schema-qualified, so nothing a caller puts on its search path is used; built-in functions and types
-- come from pg_catalog, which is always searched first.
--
-- Applying it:
--   * on Supabase: paste this file into the SQL editor and run it, or keep it in the project's supabase/migrations
--     and run `supabase db push`. It can run any number of times (create or replace, then the grants again).
--   * the local database (docker-compose.yml, profile local-supabase) runs it at its first start, after init.sql;
--     a database created before it came needs it once by hand:
--     docker compose exec -T postgres psql -v ON_ERROR_STOP=1 -U postgres -d streamctl < supabase/migrations/20261130000000_apply_stream_events.sql
--   PostgREST sees a new function only once it reloads its schema cache: the notify at the end asks it to
--   (Supabase also reloads on DDL by itself). Until then, and on a database without this function, PostgREST answers
--   404 (PGRST202) and the status worker writes row by row, with one WARN naming this file.

create or replace function public.apply_stream_events(events jsonb)
returns table (event_id uuid, result text, channel_id uuid)
language plpgsql
volatile
security invoker
set search_path = ''
as $function$
#variable_conflict use_column
declare
    malformed bigint;
begin
    if pg_catalog.jsonb_typeof(events) is distinct from 'array' then
        raise exception using
            errcode = '22023',
            message = 'apply_stream_events: events is not a JSON array';
    end if;
    select min(element.n)
    into malformed
    from pg_catalog.jsonb_array_elements(events) with ordinality as element (e, n)
    where pg_catalog.jsonb_typeof(element.e -> 'event_id') is distinct from 'string'
       or pg_catalog.jsonb_typeof(element.e -> 'stream_key') is distinct from 'string'
       or pg_catalog.jsonb_typeof(element.e -> 'live') is distinct from 'boolean'
       or pg_catalog.jsonb_typeof(element.e -> 'at') is distinct from 'string'
       or (element.e ->> 'at') !~ '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$';
    if malformed is not null then
        raise exception using
            errcode = '22023',
            message = pg_catalog.format('apply_stream_events: element %s of events is not {"event_id": string, '
                || '"stream_key": string, "live": boolean, "at": string with an offset}', malformed);
    end if;

    return query
    with input as (
        select (element.e ->> 'event_id')::uuid as event_id,
               element.e ->> 'stream_key' as stream_key,
               (element.e -> 'live')::boolean as live,
               (element.e ->> 'at')::timestamptz as at,
               element.n
        from pg_catalog.jsonb_array_elements(events) with ordinality as element (e, n)
    ),
    -- the rows of the batch, locked in id order (the sort runs before the locking), as they are once locked
    locked as materialized (
        select channel.id, channel.stream_id, channel.modified
        from public.channels_channel as channel
        where channel.stream_id in (select input.stream_key from input)
        order by channel.id
        for no key update
    ),
    ranked as (
        select input.n,
               input.live,
               input.at,
               locked.id,
               locked.modified,
               pg_catalog.row_number() over latest as rank,
               pg_catalog.first_value(input.at) over latest as winner_at
        from input
        join locked on locked.stream_id = input.stream_key
        window latest as (partition by locked.id order by input.at desc, input.n)
    ),
    applied as (
        update public.channels_channel as channel
        set is_on_live = winner.live,
            last_status = case when winner.live then 'online' else 'offline' end,
            cover = case when winner.live then pg_catalog.md5(channel.id::text) || '.jpg' else channel.cover end,
            modified = winner.at
        from ranked as winner
        where winner.rank = 1
          and channel.id = winner.id
          and (channel.modified is null or channel.modified < winner.at)
        returning winner.n
    )
    select input.event_id,
           case
               when ranked.n is null then 'unknown_key'
               when applied.n is not null then 'applied'
               when ranked.modified is not null and ranked.at < ranked.modified then 'stale'
               when ranked.at = ranked.modified or ranked.at = ranked.winner_at then 'duplicate'
               else 'superseded'
           end,
           ranked.id
    from input
    left join ranked on ranked.n = input.n
    left join applied on applied.n = input.n
    order by input.n;
end;
$function$;

comment on function public.apply_stream_events(jsonb) is
    'streamctl: applies a batch of live-state events to channels_channel; newest per channel wins; one result per event';

revoke execute on function public.apply_stream_events(jsonb) from public;

-- anon and authenticated are Supabase's API roles; a plain PostgreSQL may not have them
do $roles$
declare
    api_role text;
begin
    foreach api_role in array array['anon', 'authenticated'] loop
        if exists (select from pg_catalog.pg_roles where rolname = api_role) then
            execute pg_catalog.format('revoke execute on function public.apply_stream_events(jsonb) from %I', api_role);
        end if;
    end loop;
end
$roles$;

grant execute on function public.apply_stream_events(jsonb) to service_role;

notify pgrst, 'reload schema';
