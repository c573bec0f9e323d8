"""The store's SQLite schema as an ordered list of migrations (PRAGMA user_version counts the applied ones)."""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        organisation TEXT,
        source_type TEXT,
        languages TEXT NOT NULL DEFAULT '[]',
        on_the_ground INTEGER,
        crawl_method TEXT,
        homepage TEXT,
        description TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        canonical_url TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL,
        source_id TEXT,
        title TEXT,
        published TEXT,
        doc_type TEXT,
        language_declared TEXT,
        language TEXT,
        first_seen TEXT NOT NULL,
        last_checked TEXT NOT NULL,
        current_version INTEGER,
        metadata TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX documents_source ON documents(source_id);
    CREATE INDEX documents_first_seen ON documents(first_seen);
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT,
        retrieved TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        fetched_url TEXT,
        UNIQUE (document_id, sha256)
    );
    CREATE TABLE stages (
        document_id TEXT NOT NULL REFERENCES documents(id),
        stage TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (document_id, stage)
    ) WITHOUT ROWID;
    CREATE INDEX stages_status ON stages(stage, status);
    CREATE TABLE texts (
        version_id INTEGER PRIMARY KEY REFERENCES versions(id),
        text TEXT NOT NULL,
        page_count INTEGER,
        ocr_pages TEXT NOT NULL DEFAULT '[]',
        extractor TEXT NOT NULL,
        language TEXT,
        language_score REAL,
        extracted_at TEXT NOT NULL
    );
    CREATE TABLE passages (
        version_id INTEGER NOT NULL REFERENCES versions(id),
        idx INTEGER NOT NULL,
        page INTEGER,
        paragraph INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'p',
        ocr INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (version_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        version_id INTEGER REFERENCES versions(id),
        kind TEXT NOT NULL CHECK (kind IN ('region', 'group', 'threat', 'actor')),
        value TEXT NOT NULL,
        surface TEXT,
        start INTEGER,
        end INTEGER,
        page INTEGER,
        paragraph INTEGER,
        sentence TEXT,
        negated INTEGER NOT NULL DEFAULT 0,
        tagger_version TEXT
    );
    CREATE INDEX tags_document ON tags(document_id);
    CREATE TABLE links (
        from_document TEXT NOT NULL REFERENCES documents(id),
        relation TEXT NOT NULL,
        to_url TEXT NOT NULL,
        to_document TEXT NOT NULL,
        PRIMARY KEY (from_document, relation, to_document)
    ) WITHOUT ROWID;
    CREATE TABLE errors (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        stage TEXT NOT NULL,
        document_id TEXT,
        url TEXT,
        message TEXT NOT NULL
    );
    """,
    # 2: near-duplicate detection (MinHash signatures per version; duplicates point at their canonical document)
    """
    CREATE TABLE signatures (
        version_id INTEGER PRIMARY KEY REFERENCES versions(id),
        document_id TEXT NOT NULL REFERENCES documents(id),
        minhash BLOB NOT NULL,
        words INTEGER NOT NULL,
        language TEXT
    );
    CREATE INDEX signatures_document ON signatures(document_id);
    CREATE TABLE duplicates (
        document_id TEXT PRIMARY KEY REFERENCES documents(id),
        canonical_id TEXT NOT NULL REFERENCES documents(id),
        similarity REAL NOT NULL,
        evidence TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX duplicates_canonical ON duplicates(canonical_id);
    """,
    # 3: errors and crawl runs recorded against their source
    """
    ALTER TABLE errors ADD COLUMN source_id TEXT;
    CREATE INDEX errors_source ON errors(source_id);
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        finish_reason TEXT,
        new_documents INTEGER NOT NULL DEFAULT 0,
        new_versions INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        not_modified INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX crawl_runs_source ON crawl_runs(source_id, started);
    """,
    # 4: tagging: evidence columns on tags, one tagger run per document (version, epoch), and claims with their values
    """
    ALTER TABLE tags ADD COLUMN level TEXT;
    ALTER TABLE tags ADD COLUMN sentence_start INTEGER;
    ALTER TABLE tags ADD COLUMN sentence_end INTEGER;
    ALTER TABLE tags ADD COLUMN epoch TEXT;
    CREATE INDEX tags_value ON tags(kind, value);
    CREATE TABLE tag_runs (
        document_id TEXT PRIMARY KEY REFERENCES documents(id),
        version_id INTEGER REFERENCES versions(id),
        tagger_version TEXT NOT NULL,
        language TEXT,
        epoch TEXT,
        tags INTEGER NOT NULL,
        claims INTEGER NOT NULL,
        tagged_at TEXT NOT NULL
    );
    CREATE INDEX tag_runs_version ON tag_runs(tagger_version);
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        version_id INTEGER REFERENCES versions(id),
        level TEXT NOT NULL CHECK (level IN ('sentence', 'paragraph')),
        page INTEGER,
        paragraph INTEGER,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        epoch TEXT,
        tagger_version TEXT NOT NULL
    );
    CREATE INDEX claims_document ON claims(document_id);
    CREATE TABLE claim_values (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('region', 'governorate', 'district', 'group', 'threat', 'actor')),
        value TEXT NOT NULL,
        PRIMARY KEY (claim_id, kind, value)
    ) WITHOUT ROWID;
    CREATE INDEX claim_values_value ON claim_values(kind, value);
    """,
    # 5: digests: subscriptions (saved searches) and one row per (subscription, week) digest sent or being sent
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        query TEXT NOT NULL DEFAULT '',
        filters TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE digest_sends (
        subscription_id INTEGER NOT NULL,
        week TEXT NOT NULL,
        subscription_name TEXT NOT NULL,
        email TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
        message_id TEXT,
        subject TEXT,
        documents INTEGER NOT NULL DEFAULT 0,
        text_body TEXT,
        html_body TEXT,
        delivery TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (subscription_id, week)
    );
    CREATE INDEX digest_sends_week ON digest_sends(week);
    """,
    # 6: document events for version history: a source withdrawing (404/410) or restoring a report, with the date
    """
    CREATE TABLE document_events (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        kind TEXT NOT NULL CHECK (kind IN ('withdrawn', 'restored')),
        at TEXT NOT NULL,
        http_status INTEGER,
        detail TEXT
    );
    CREATE INDEX document_events_document ON document_events(document_id, id);
    CREATE INDEX document_events_at ON document_events(at);
    """,
    # 7: where a tag comes from: a lexicon phrase and the rules, or the tagger's threat classifier
    """
    ALTER TABLE tags ADD COLUMN source TEXT NOT NULL DEFAULT 'lexicon';
    """,
]
