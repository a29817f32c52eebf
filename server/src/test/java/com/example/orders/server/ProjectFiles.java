package com.example.orders.server;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository outside the module: clients/, deploy/, docs/. */
final class ProjectFiles {

    private ProjectFiles() {
    }

    /** Surefire runs in {@code server/}, an IDE may run elsewhere in the tree: look upwards. */
    static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path found = dir.resolve(relative);
            if (Files.exists(found)) {
                return found;
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
