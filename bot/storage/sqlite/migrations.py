"""Database schema as an ordered list of migrations, tracked with `PRAGMA user_version`.

Append a new migration to MIGRATIONS to change the schema; never edit one that has shipped.
"""

from __future__ import annotations

import aiosqlite

MIGRATIONS: list[str] = [
    # 1: seeds (events and gazetteers), chats, subscriptions, delivery log.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- Gazetteers keep the validated record as JSON; lookups happen in memory.
    CREATE TABLE gazetteer (
        kind TEXT NOT NULL,      -- article | person | organization | place | topic
                                 -- | anniversary | future_event
        id   TEXT NOT NULL,
        data TEXT NOT NULL,      -- JSON of the pydantic model
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE article_texts (
        id   TEXT PRIMARY KEY,
        text TEXT NOT NULL
    );
    CREATE TABLE events (
        id             TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        date_value     TEXT,             -- YYYY-MM-DD | YYYY-MM | YYYY | NULL
        date_precision TEXT NOT NULL,
        sort_date      TEXT,             -- first day the date can mean, for ordering
        city           TEXT,
        country        TEXT,
        part_of        TEXT,
        data           TEXT NOT NULL,    -- JSON of the pydantic Event
        content_hash   TEXT NOT NULL,    -- changes when the record is edited
        first_seen     TEXT NOT NULL,    -- UTC ISO timestamp the record was first loaded
        updated_at     TEXT NOT NULL     -- UTC ISO timestamp its content last changed
    );
    CREATE INDEX events_sort ON events (sort_date DESC);
    CREATE TABLE event_participants (
        event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL,
        side      TEXT NOT NULL,
        PRIMARY KEY (event_id, person_id)
    );
    CREATE INDEX event_participants_person ON event_participants (person_id);
    CREATE TABLE event_topics (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL,
        PRIMARY KEY (event_id, topic_id)
    );
    CREATE INDEX event_topics_topic ON event_topics (topic_id);
    CREATE TABLE event_organizations (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        org_id   TEXT NOT NULL,
        PRIMARY KEY (event_id, org_id)
    );
    CREATE TABLE event_sources (
        event_id   TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        position   INTEGER NOT NULL,
        PRIMARY KEY (event_id, article_id)
    );

    CREATE TABLE chats (
        chat_id    INTEGER PRIMARY KEY,
        type       TEXT NOT NULL,            -- private | group | supergroup | channel
        title      TEXT,
        username   TEXT,
        language   TEXT,                     -- /lang override; NULL = user's Telegram language
        timezone   TEXT,                     -- IANA name; NULL = BOT_TZ
        status     TEXT NOT NULL DEFAULT 'member',  -- member | administrator | left | kicked
        migrated_to INTEGER,                 -- set when a group became a supergroup
        updated_at TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
        chat_id     INTEGER NOT NULL,
        kind        TEXT NOT NULL,           -- daily | anniversaries
        send_time   TEXT NOT NULL,           -- HH:MM in the chat's time zone
        timezone    TEXT NOT NULL,           -- IANA name
        language    TEXT NOT NULL,           -- kk | ru | en
        topics      TEXT NOT NULL DEFAULT '[]',  -- JSON list of topic ids
        thread_id   INTEGER,                 -- forum topic to post into
        active      INTEGER NOT NULL DEFAULT 1,
        inactive_reason TEXT,
        created_by  INTEGER,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        last_digest_at TEXT,                 -- UTC ISO time of the last delivered digest
        PRIMARY KEY (chat_id, kind)
    );
    -- One row per (chat, digest): the unique key makes each digest go out once.
    CREATE TABLE deliveries (
        chat_id    INTEGER NOT NULL,
        digest_key TEXT NOT NULL,            -- e.g. daily:2026-08-01
        status     TEXT NOT NULL,            -- pending | sent | failed | missed | empty
        attempts   INTEGER NOT NULL DEFAULT 0,
        error      TEXT,
        due_at     TEXT NOT NULL,            -- UTC ISO
        sent_at    TEXT,
        message_ids TEXT,                    -- JSON list
        PRIMARY KEY (chat_id, digest_key)
    );
    CREATE INDEX deliveries_status ON deliveries (status);
    CREATE TABLE errors (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         TEXT NOT NULL,
        where_     TEXT NOT NULL,
        message    TEXT NOT NULL
    );
    """,
    # 2 (digests): when a delivery was claimed, so a stale 'pending' claim can be retried.
    """
    ALTER TABLE deliveries ADD COLUMN claimed_at TEXT;
    CREATE INDEX subscriptions_active ON subscriptions (active);
    """,
    # 3 (performance): events kept packed for lazy loading (bot/records/lazy.py), their end date
    # for date filters without decoding, "changed since" by updated_at, and the search index
    # persisted between starts.
    """
    ALTER TABLE events ADD COLUMN packed BLOB;   -- zlib JSON against meta's events_zdict;
                                                 -- NULL until Storage.read_seedset fills it
    ALTER TABLE events ADD COLUMN end_date TEXT;
    UPDATE events SET end_date = json_extract(data, '$.end_date');
    CREATE INDEX events_updated ON events (updated_at);
    CREATE TABLE search_index (
        name        TEXT PRIMARY KEY,   -- one part of the index (SearchIndex.dump's keys)
        fingerprint TEXT NOT NULL,      -- the seeds it was built from
        version     INTEGER NOT NULL,   -- the index format
        data        BLOB NOT NULL
    );
    """,
    # 4 (incremental updates, issue 16): each seed file's hash, so a sync re-reads only the
    # files that changed, and the events changed since the stored search index was written
    # (its delta: a start loads the index and applies them). Indexes stored before are dropped:
    # they were keyed by the whole folder's fingerprint, with no delta.
    """
    CREATE TABLE seed_files (
        path      TEXT PRIMARY KEY,     -- relative to the seeds folder
        signature TEXT NOT NULL,        -- size:mtime_ns:inode when hashed
        sha256    TEXT NOT NULL,
        event_ids TEXT                  -- JSON list of the ids an events file defines
    );
    CREATE TABLE search_index_delta (
        event_id TEXT PRIMARY KEY       -- added, changed or removed since search_index
    );
    DELETE FROM search_index;
    """,
    # 5 (several instances, issue 13): claims hold a lease and a fencing token, as on
    # PostgreSQL (bot/storage/sqlite/deliveries.py); 'queued' rows are planned, not yet claimed.
    # A 'pending' row of the old scheme keeps the 10 minutes it had.
    """
    ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
    ALTER TABLE deliveries ADD COLUMN claim_token INTEGER;
    ALTER TABLE deliveries ADD COLUMN lease_until TEXT;   -- UTC ISO, like due_at
    UPDATE deliveries SET lease_until = strftime('%Y-%m-%dT%H:%M:%S', claimed_at, '+10 minutes')
        || '.000000+00:00', claim_token = rowid WHERE status = 'pending';
    INSERT INTO meta (key, value) SELECT 'claim_token', COALESCE(MAX(rowid), 0) FROM deliveries;
    CREATE INDEX deliveries_claimable ON deliveries (status, due_at);
    """,
    # 6 (issue 16): the digest of each record's source in an events file, in the order of
    # event_ids, so a sync of a changed file re-validates only the records whose source changed
    # (bot.records.sources). NULL: the file is read whole next time. The events' child tables
    # go: every sync wrote them and nothing read them (the search index answers those lookups).
    """
    ALTER TABLE seed_files ADD COLUMN record_digests TEXT;  -- JSON list, as event_ids
    DROP TABLE event_participants;
    DROP TABLE event_topics;
    DROP TABLE event_organizations;
    DROP TABLE event_sources;
    """,
    # 7 (issue 16): the events that are part of another, found without reading every row (a
    # sync of a changed file checks its records' parents; the scan read the whole table).
    """
    CREATE INDEX events_part_of ON events (part_of, id) WHERE part_of IS NOT NULL;
    """,
]


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring `db` up to the newest schema; return the version it ends at."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        await db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
