-- The local stand-in for a Supabase project: the channel table the services read and write, one demo
-- channel, and the roles PostgREST uses, as Supabase has them. The postgres image runs this once, when its
-- data volume is empty, before the files of supabase/migrations (docker-compose.yml mounts them all into
-- /docker-entrypoint-initdb.d).
--
-- Supabase's REST gateway lets a request in only with the service key (nginx checks it: supabase/gateway.conf.template)
-- and PostgREST then runs it as service_role, which bypasses row-level security like Supabase's service_role.

\set ON_ERROR_STOP on
-- the authenticator's password is POSTGRES_PASSWORD from .env (psql 15+)
\getenv authenticator_password POSTGRES_PASSWORD

create table public.channels_channel (
    id          uuid primary key default gen_random_uuid(),
    name        text not null default '',
    -- the secret stream key streamers put in OBS; never shown publicly
    stream_id   text not null unique,
    is_on_live  boolean not null default false,
    last_status text not null default 'offline',
    -- <md5 of id>.jpg, the thumbnail's file name under /thumbs/
    cover       text,
    -- the time of the last event applied; the status worker's writes are conditional on it
    modified    timestamptz
);

comment on table public.channels_channel is 'streamctl channels: one row per stream key';

-- The demo channel of README.md. Its key is a local demo key, not a secret: change or delete the row
-- before exposing the server. md5(id) = 2337939e69f3303451ce4b84ce1422a4
insert into public.channels_channel (id, name, stream_id)
values ('4b7a3c2e-9d1f-4e6a-8c5b-2f0e7d9a1c34', 'Demo channel', 'demo-key-change-me');

alter table public.channels_channel enable row level security;

-- Supabase's roles. Roles belong to the whole server, not to one database: each is made only when the server has
-- none of that name yet, so the file also loads into a second database of a server that ran it before (as the
-- tests of supabase/migrations do).
select pg_catalog.format('create role %I nologin noinherit', api_role.name)
from (values ('anon'), ('authenticated')) as api_role (name)
where not exists (select from pg_catalog.pg_roles where rolname = api_role.name)
\gexec
select 'create role service_role nologin noinherit bypassrls'
where not exists (select from pg_catalog.pg_roles where rolname = 'service_role')
\gexec
select pg_catalog.format('create role authenticator login noinherit password %L', :'authenticator_password')
where not exists (select from pg_catalog.pg_roles where rolname = 'authenticator')
\gexec
-- PostgREST becomes service_role only: anon and authenticated exist so that grants and revokes naming them (the
-- migrations') mean here what they mean on Supabase, but nobody can become them
grant service_role to authenticator;

grant usage on schema public to service_role;
grant select, insert, update, delete on public.channels_channel to service_role;

-- Supabase's default privileges: every function made in public later is executable by its API roles, so a function
-- for the service key only must revoke them, here as there (supabase/migrations)
alter default privileges in schema public
    grant execute on functions to anon, authenticated, service_role;
