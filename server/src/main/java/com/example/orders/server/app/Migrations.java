package com.example.orders.server.app;

import java.time.Duration;

import org.flywaydb.core.Flyway;

/** Brings the schema up to date at start-up, from the versioned scripts in db/migration. */
final class Migrations {

    private Migrations() {
    }

    /**
     * Waits up to {@code startupTimeout} for the database to take a connection, trying every second:
     * a service that starts while its database fails over (a URL with targetServerType=primary finds
     * no primary for a few seconds) or is still starting waits for it instead of failing.
     */
    static void apply(DatabaseSettings database, Duration startupTimeout) {
        Flyway.configure()
                .dataSource(database.url(), database.user(), database.password())
                .connectRetries((int) Math.max(0, startupTimeout.toSeconds()))
                .connectRetriesInterval(1)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
