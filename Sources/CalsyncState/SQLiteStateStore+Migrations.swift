import GRDB

extension SQLiteStateStore {
    /// The schema, one appended migration per version; never edit a migration once released.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        serial INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO meta (id, serial) VALUES (1, 0);

                    CREATE TABLE tenant (
                        name TEXT PRIMARY KEY NOT NULL,
                        spec TEXT NOT NULL,
                        isDeclared BOOLEAN NOT NULL DEFAULT 1
                    );

                    CREATE TABLE channel (
                        name TEXT PRIMARY KEY NOT NULL,
                        spec TEXT NOT NULL
                    );

                    CREATE TABLE provider (
                        tenant TEXT NOT NULL REFERENCES tenant(name),
                        name TEXT NOT NULL,
                        state TEXT NOT NULL,
                        card TEXT NOT NULL,
                        PRIMARY KEY (tenant, name)
                    );

                    CREATE TABLE credential (
                        tenant TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        keyId TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        updatedAt TEXT NOT NULL,
                        PRIMARY KEY (tenant, provider),
                        FOREIGN KEY (tenant, provider) REFERENCES provider(tenant, name) ON DELETE CASCADE
                    );

                    CREATE TABLE cursor (
                        tenant TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        value TEXT NOT NULL,
                        windowStart TEXT,
                        windowEnd TEXT,
                        PRIMARY KEY (tenant, provider),
                        FOREIGN KEY (tenant, provider) REFERENCES provider(tenant, name) ON DELETE CASCADE
                    );

                    CREATE TABLE webhook (
                        id TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        resourceId TEXT,
                        sealedSecret BLOB,
                        expiresAt TEXT NOT NULL,
                        FOREIGN KEY (tenant, provider) REFERENCES provider(tenant, name) ON DELETE CASCADE
                    );

                    CREATE TABLE entry (
                        id TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL,
                        title TEXT NOT NULL,
                        description TEXT,
                        location TEXT,
                        start TEXT NOT NULL,
                        end TEXT NOT NULL,
                        allDay BOOLEAN NOT NULL DEFAULT 0,
                        timeZone TEXT,
                        version INTEGER NOT NULL DEFAULT 1,
                        updatedAt TEXT NOT NULL,
                        origin TEXT NOT NULL
                    );
                    CREATE INDEX entry_tenant_start ON entry(tenant, start);

                    CREATE TABLE mapping (
                        id TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        entryId TEXT,
                        vendorEventId TEXT,
                        etag TEXT,
                        localHash TEXT,
                        remoteHash TEXT,
                        syncStatus TEXT NOT NULL,
                        lastSyncedAt TEXT,
                        error TEXT,
                        version INTEGER NOT NULL DEFAULT 1
                    );
                    CREATE INDEX mapping_provider ON mapping(tenant, provider);
                    CREATE UNIQUE INDEX mapping_vendor_event ON mapping(tenant, provider, vendorEventId);

                    CREATE TABLE conflict (
                        mappingId TEXT PRIMARY KEY NOT NULL REFERENCES mapping(id) ON DELETE CASCADE,
                        detectedAt TEXT NOT NULL,
                        local TEXT NOT NULL,
                        external TEXT NOT NULL
                    );

                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        type TEXT NOT NULL,
                        tenant TEXT NOT NULL,
                        provider TEXT,
                        payload TEXT NOT NULL,
                        createdAt TEXT NOT NULL,
                        deliveredAt TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0
                    );

                    CREATE TABLE run (
                        id TEXT PRIMARY KEY NOT NULL,
                        command TEXT NOT NULL,
                        startedAt TEXT NOT NULL,
                        finishedAt TEXT,
                        exitCode INTEGER,
                        summary TEXT
                    );

                    CREATE TABLE pendingAuthorization (
                        state TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        sealedVerifier BLOB NOT NULL,
                        expiresAt TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-entry-source") { db in
            try db.execute(
                sql: """
                    ALTER TABLE entry ADD COLUMN sourceKey TEXT;
                    ALTER TABLE entry ADD COLUMN sourceSequence INTEGER;
                    ALTER TABLE entry ADD COLUMN sourceStamp TEXT;
                    ALTER TABLE entry ADD COLUMN sourceUID TEXT;
                    CREATE INDEX entry_source_uid ON entry(tenant, sourceUID);
                    CREATE UNIQUE INDEX entry_source ON entry(tenant, sourceKey);
                    """)
        }
        migrator.registerMigration("v3-vendors") { db in
            try db.execute(
                sql: """
                    ALTER TABLE webhook ADD COLUMN vendor TEXT NOT NULL DEFAULT 'google';
                    ALTER TABLE webhook ADD COLUMN keyId TEXT;
                    ALTER TABLE webhook ADD COLUMN renewalFailures INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX webhook_provider ON webhook(tenant, provider);
                    ALTER TABLE pendingAuthorization ADD COLUMN keyId TEXT NOT NULL DEFAULT '';
                    ALTER TABLE pendingAuthorization ADD COLUMN redirectUri TEXT NOT NULL DEFAULT '';
                    ALTER TABLE outbox ADD COLUMN dedupeKey TEXT NOT NULL DEFAULT '';
                    ALTER TABLE outbox ADD COLUMN nextAttemptAt TEXT;
                    ALTER TABLE outbox ADD COLUMN lastError TEXT;
                    CREATE INDEX outbox_waiting ON outbox(deliveredAt, dedupeKey);
                    ALTER TABLE credential ADD COLUMN accessKeyId TEXT;
                    ALTER TABLE credential ADD COLUMN sealedAccess BLOB;
                    ALTER TABLE credential ADD COLUMN accessExpiresAt TEXT;
                    """)
        }
        migrator.registerMigration("v4-notify") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN journaledAt TEXT;
                    CREATE INDEX outbox_journal ON outbox(journaledAt);

                    CREATE TABLE delivery (
                        eventId INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
                        channel TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        nextAttemptAt TEXT,
                        lastError TEXT,
                        deliveredAt TEXT,
                        PRIMARY KEY (eventId, channel)
                    );
                    """)
        }
        migrator.registerMigration("v5-sync") { db in
            try db.execute(
                sql: """
                    ALTER TABLE mapping ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE mapping ADD COLUMN resolution TEXT;
                    ALTER TABLE mapping ADD COLUMN attempt TEXT;
                    ALTER TABLE mapping ADD COLUMN seriesId TEXT;
                    CREATE UNIQUE INDEX mapping_entry ON mapping(tenant, provider, entryId);
                    CREATE INDEX mapping_status ON mapping(tenant, syncStatus);
                    """)
        }
        migrator.registerMigration("v6-mapping-counts") { db in
            // The counts every snapshot takes per provider (live, in conflict) read this index alone
            // instead of the whole table. It serves the lookups by provider `mapping_provider` served;
            // no query used `mapping_status` (tenant, syncStatus).
            try db.execute(
                sql: """
                    DROP INDEX mapping_provider;
                    DROP INDEX mapping_status;
                    CREATE INDEX mapping_provider_status ON mapping(tenant, provider, syncStatus);
                    """)
        }
        return migrator
    }
}
