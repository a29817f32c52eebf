package com.example.orders.server.app;

import org.flywaydb.core.Flyway;

/** Brings the schema up to date at start-up, from the versioned scripts in db/migration. */
final class Migrations {

    private Migrations() {
    }

    static void apply(DatabaseSettings database) {
        Flyway.configure()
                .dataSource(database.url(), database.user(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
