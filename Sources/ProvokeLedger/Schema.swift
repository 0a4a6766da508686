// The ledger's schema as an ordered list of migrations. Migration n brings the file from schema
// version n-1 to n; the version is recorded in `PRAGMA user_version`, so an old ledger upgrades
// itself on open and a newer one is refused. Never edit a released migration: append a new one.

/// A step of the schema, run in the same transaction as the `user_version` update that records it.
struct Migration {
    let name: String
    let sql: String
}

enum Schema {
    /// Marks the file as a provoke ledger ("prov" in ASCII), so another application's SQLite file is
    /// recognised and left alone.
    static let applicationID: Int32 = 0x7072_6F76

    static let migrations: [Migration] = [
        Migration(name: "contacts, videos and deliveries", sql: """
            CREATE TABLE contacts (
                id           INTEGER PRIMARY KEY,
                name         TEXT NOT NULL,
                -- NOCASE: one person, one row, however the address is capitalised (ASCII folding).
                email        TEXT NOT NULL COLLATE NOCASE UNIQUE,
                organisation TEXT NOT NULL DEFAULT '',
                role         TEXT NOT NULL DEFAULT '',
                -- An Audience raw value; checked in Swift, not here, so a new audience needs no table rebuild.
                audience     TEXT NOT NULL,
                region       TEXT NOT NULL DEFAULT '',
                notes        TEXT NOT NULL DEFAULT '',
                updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            );
            CREATE INDEX contacts_by_audience ON contacts (audience);

            -- One row per rendered file: a re-render with different bytes is a new version of the output.
            CREATE TABLE videos (
                id            INTEGER PRIMARY KEY,
                sha256        TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
                project       TEXT NOT NULL,
                output        TEXT NOT NULL,
                audience      TEXT NOT NULL,
                title         TEXT NOT NULL,
                duration      REAL NOT NULL,  -- seconds
                path          TEXT NOT NULL,  -- absolute path where it was last registered
                rendered_at   TEXT NOT NULL,  -- UTC, 'YYYY-MM-DDTHH:MM:SS.SSSZ', so text order is time order
                registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            );
            CREATE INDEX videos_by_output ON videos (project, output, rendered_at);

            CREATE TABLE deliveries (
                id         INTEGER PRIMARY KEY,
                -- Removing a contact removes what the ledger knows about them, deliveries included.
                contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
                video_id   INTEGER NOT NULL REFERENCES videos (id) ON DELETE RESTRICT,
                channel    TEXT NOT NULL CHECK (channel IN ('email', 'meeting', 'post', 'link')),
                date       TEXT NOT NULL CHECK (date IS date(date, '+0 days')),  -- 'YYYY-MM-DD', a real calendar day
                status     TEXT NOT NULL CHECK (status IN ('planned', 'sent', 'viewed', 'responded')),
                note       TEXT NOT NULL DEFAULT '',
                updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                -- Recording the same file for the same contact twice is one delivery.
                UNIQUE (contact_id, video_id)
            );
            CREATE INDEX deliveries_by_video ON deliveries (video_id);
            """),
        // Version 2: which of the project's ideas each file carries, so the ledger can say which ideas have
        // reached whom. A version-1 ledger keeps every row; its files carry no ideas until registered again.
        Migration(name: "ideas and the ideas each file carries", sql: """
            CREATE TABLE ideas (
                id          INTEGER PRIMARY KEY,
                project     TEXT NOT NULL,
                idea        TEXT NOT NULL,  -- the idea's id in the manifest
                text        TEXT NOT NULL,
                -- The render time of the record the text came from: an older record registered later does
                -- not bring back wording the producer has since changed.
                rendered_at TEXT NOT NULL,
                UNIQUE (project, idea)
            );

            CREATE TABLE video_ideas (
                video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
                idea_id  INTEGER NOT NULL REFERENCES ideas (id) ON DELETE RESTRICT,
                PRIMARY KEY (video_id, idea_id)
            ) WITHOUT ROWID;
            CREATE INDEX video_ideas_by_idea ON video_ideas (idea_id);
            """),
        // Version 3: personal editions. An edition is one contact's copy of an output, with a code and a file
        // name that stay the same across versions; each rendered version of it is a `videos` row pointing here,
        // with the SHA-256 of its coded video packets, which a re-muxed copy keeps. A version-2 ledger keeps
        // every row; its files are no one's edition.
        Migration(name: "personal editions", sql: """
            CREATE TABLE editions (
                id      INTEGER PRIMARY KEY,
                project TEXT NOT NULL,
                output  TEXT NOT NULL,
                -- The recipient as the edition was made: kept when the contact is removed, so a copy that
                -- turns up later can still be traced to the person it was made for.
                email   TEXT NOT NULL COLLATE NOCASE,
                name    TEXT NOT NULL,
                code    TEXT NOT NULL UNIQUE,  -- 'XXXX-XXXX', Crockford base 32
                slug    TEXT NOT NULL,         -- the file name, out/<output>/<slug>.mp4
                UNIQUE (project, output, email),
                UNIQUE (project, output, slug)
            );
            ALTER TABLE videos ADD COLUMN edition_id INTEGER REFERENCES editions (id);
            ALTER TABLE videos ADD COLUMN packets_sha256 TEXT;
            CREATE INDEX videos_by_edition ON videos (edition_id);
            CREATE INDEX videos_by_packets ON videos (packets_sha256);
            """),
    ]

    static var currentVersion: Int { migrations.count }

    /// Brings the file at `connection` to `currentVersion`. Safe when several processes open a new ledger
    /// at once: the version is read again under the write lock, so each migration runs exactly once.
    static func migrate(_ connection: Connection) throws -> MigrationOutcome {
        if let verdict = try inspect(connection) { return verdict }
        return try connection.transaction(.immediate) {
            if let verdict = try inspect(connection) { return verdict }
            let version = try self.version(connection)
            if version == 0 { try connection.execute("PRAGMA application_id = \(applicationID)") }
            for migration in migrations[version...] { try connection.execute(migration.sql) }
            // PRAGMA takes no bound parameters; the value is our own integer.
            try connection.execute("PRAGMA user_version = \(currentVersion)")
            return .migrated(from: version)
        }
    }

    /// What the file is, when no migration is needed (nil: migrate it).
    /// The three facts are read by one statement, so they come from one snapshot of the file: read one by one,
    /// another process creating the ledger could commit in between, and a half-seen new ledger (no mark yet,
    /// but tables) would look like another program's database.
    static func inspect(_ connection: Connection) throws -> MigrationOutcome? {
        let facts = try connection.query("""
            SELECT (SELECT user_version FROM pragma_user_version),
                   (SELECT application_id FROM pragma_application_id),
                   (SELECT count(*) FROM sqlite_schema)
            """) { ($0.int(0), $0.int(1), $0.int(2)) }.first ?? (0, 0, 0)
        let (version, appID, tables) = facts
        if appID == Int(applicationID) {
            if version > currentVersion { return .newer(version) }
            return version == currentVersion ? .upToDate : nil
        }
        // Not marked as ours: only an empty database may become a ledger. Anything else (tables, a
        // version or another application id) is another program's file, left untouched.
        return appID == 0 && version == 0 && tables == 0 ? nil : .foreign
    }

    static func version(_ connection: Connection) throws -> Int {
        try connection.scalar("PRAGMA user_version")?.intValue ?? 0
    }

    enum MigrationOutcome: Equatable {
        case upToDate
        case migrated(from: Int)
        case newer(Int)
        case foreign
    }
}
