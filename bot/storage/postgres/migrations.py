"""The PostgreSQL schema as an ordered list of migrations, tracked in `schema_migrations`.

The same tables as the SQLite schema (bot/storage/sqlite/migrations.py), with PostgreSQL types:
timestamps of chats, subscriptions and deliveries are `timestamptz`; the seed tables keep the
SQLite text timestamps (they sort as text and the digest code compares them so). On top: the
delivery log's lease and fencing columns, role leases, the send budget and the data version.

`migrate` runs at every start in one transaction under an advisory lock, so instances starting
together apply each migration once. Append to MIGRATIONS; never edit one that has shipped. An
instance whose code knows fewer migrations than the database has refuses to start.
"""

from __future__ import annotations

import asyncpg

MIGRATIONS: list[str] = [
    # 1: the SQLite schema of migrations 1-3, plus claims with leases, roles, budget, versions.
    """
    CREATE TABLE meta (
        key   text PRIMARY KEY,
        value text NOT NULL
    );
    INSERT INTO meta (key, value) VALUES ('data_version', '0');
    CREATE TABLE gazetteer (
        seq  bigint GENERATED ALWAYS AS IDENTITY,   -- insertion order (SQLite's rowid)
        kind text NOT NULL,
        id   text NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE article_texts (
        id   text PRIMARY KEY,
        text text NOT NULL
    );
    CREATE TABLE events (
        id             text PRIMARY KEY,
        seq            bigint GENERATED ALWAYS AS IDENTITY,
        kind           text NOT NULL,
        date_value     text,
        date_precision text NOT NULL,
        sort_date      text,
        end_date       text,
        city           text,
        country        text,
        part_of        text,
        data           text NOT NULL,
        packed         bytea,
        content_hash   text NOT NULL,
        first_seen     text NOT NULL,
        updated_at     text NOT NULL
    );
    CREATE INDEX events_sort ON events (sort_date DESC);
    CREATE INDEX events_updated ON events (updated_at);
    CREATE TABLE event_participants (
        event_id  text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        person_id text NOT NULL,
        side      text NOT NULL,
        PRIMARY KEY (event_id, person_id)
    );
    CREATE INDEX event_participants_person ON event_participants (person_id);
    CREATE TABLE event_topics (
        event_id text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        topic_id text NOT NULL,
        PRIMARY KEY (event_id, topic_id)
    );
    CREATE INDEX event_topics_topic ON event_topics (topic_id);
    CREATE TABLE event_organizations (
        event_id text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        org_id   text NOT NULL,
        PRIMARY KEY (event_id, org_id)
    );
    CREATE TABLE event_sources (
        event_id   text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        article_id text NOT NULL,
        position   integer NOT NULL,
        PRIMARY KEY (event_id, article_id)
    );
    -- The stored search index: one set of parts per (fingerprint, format version); the newest
    -- two sets are kept, so instances of two code versions in a rolling deploy both find theirs.
    CREATE TABLE search_index (
        fingerprint text NOT NULL,
        version     integer NOT NULL,
        name        text NOT NULL,
        data        bytea NOT NULL,
        stored_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (fingerprint, version, name)
    );

    CREATE TABLE chats (
        chat_id     bigint PRIMARY KEY,
        type        text NOT NULL,
        title       text,
        username    text,
        language    text,
        timezone    text,
        status      text NOT NULL DEFAULT 'member',
        migrated_to bigint,
        updated_at  timestamptz NOT NULL
    );
    CREATE TABLE subscriptions (
        chat_id         bigint NOT NULL,
        kind            text NOT NULL,
        send_time       text NOT NULL,
        timezone        text NOT NULL,
        language        text NOT NULL,
        topics          text NOT NULL DEFAULT '[]',
        thread_id       bigint,
        active          boolean NOT NULL DEFAULT true,
        inactive_reason text,
        created_by      bigint,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        last_digest_at  timestamptz,
        PRIMARY KEY (chat_id, kind)
    );
    CREATE INDEX subscriptions_active ON subscriptions (active);
    -- One row per (chat, digest). status: queued (planned, unclaimed) | pending (claimed) |
    -- sent | failed | missed | empty. A claim holds claim_token (new on every claim, from the
    -- sequence) until lease_until; every later write of the claimer must match the token.
    CREATE TABLE deliveries (
        chat_id     bigint NOT NULL,
        digest_key  text NOT NULL,
        status      text NOT NULL,
        attempts    integer NOT NULL DEFAULT 0,
        error       text,
        due_at      timestamptz NOT NULL,
        sent_at     timestamptz,
        message_ids text,
        claimed_at  timestamptz,
        claimed_by  text,
        claim_token bigint,
        lease_until timestamptz,
        PRIMARY KEY (chat_id, digest_key)
    );
    CREATE INDEX deliveries_status ON deliveries (status);
    CREATE INDEX deliveries_claimable ON deliveries (due_at) WHERE status IN ('queued', 'pending');
    CREATE SEQUENCE claim_tokens;
    CREATE TABLE errors (
        id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      timestamptz NOT NULL,
        where_  text NOT NULL,
        message text NOT NULL
    );

    -- Roles with one holder at a time (the poller): renewed by the holder, taken after expiry.
    CREATE TABLE leases (
        name       text PRIMARY KEY,
        holder     text NOT NULL,
        token      bigint NOT NULL,
        expires_at timestamptz NOT NULL
    );
    CREATE SEQUENCE lease_tokens;
    -- The token's send budget shared by every instance (GCRA: tat = the next free slot).
    CREATE TABLE send_budget (
        name         text PRIMARY KEY,
        interval_s   double precision NOT NULL,
        burst        double precision NOT NULL,
        tat          timestamptz NOT NULL,
        paused_until timestamptz
    );
    """,
    # 2 (incremental updates, as SQLite's 4): each seed file's hash, and the events changed
    # since each stored index version was written (its delta: a start loads the index of its
    # version and applies them).
    """
    CREATE TABLE seed_files (
        path      text PRIMARY KEY,
        signature text NOT NULL,
        sha256    text NOT NULL,
        event_ids text,
        record_digests text  -- SQLite's migration 5; read by the sync of changed files
    );
    CREATE TABLE search_index_delta (
        version  integer NOT NULL,
        event_id text NOT NULL,
        PRIMARY KEY (version, event_id)
    );
    """,
    # 3 (as SQLite's, issue 12): the per-event participant, topic, organization and source
    # tables were written on every sync and never read (the packed events hold the same).
    """
    DROP TABLE event_participants;
    DROP TABLE event_topics;
    DROP TABLE event_organizations;
    DROP TABLE event_sources;
    """,
]


class SchemaTooNew(RuntimeError):
    """The database was migrated by newer code than this instance's."""


async def migrate(connection: asyncpg.Connection, key: str) -> int:
    """Apply the missing migrations in one transaction under the advisory lock `key`; return
    the version the database ends at."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        current = await connection.fetchval(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations"
        )
        if current > len(MIGRATIONS):
            raise SchemaTooNew(
                f"the database is at schema version {current}, this code knows"
                f" {len(MIGRATIONS)}: deploy the newer code"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            await connection.execute(script)
            await connection.execute("INSERT INTO schema_migrations (version) VALUES ($1)", number)
    return len(MIGRATIONS)
