package com.example.orders.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the CLI, which makes one call per run, keeps its {@link WritePosition} for a target from one
 * run to the next: a file in {@code $ORDER_CLIENT_STATE_DIR}, else
 * {@code ${XDG_STATE_HOME:-$HOME/.local/state}/order-client}, named after the target, that holds the
 * position as a decimal. It only ever moves forward, under a lock, so that runs at the same time keep
 * the furthest. The file is a help, never a reason to fail: a run that cannot read or write it goes on
 * without, and says so in one line on stderr.
 */
final class WritePositionFile {

    static final String DIRECTORY_VARIABLE = "ORDER_CLIENT_STATE_DIR";
    /** File names longer than this are replaced by a hash: most file systems stop at 255 bytes. */
    private static final int LONGEST_NAME = 200;

    private final Path file;
    private final PrintStream warnings;
    private boolean warned;

    WritePositionFile(Path file, PrintStream warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    /** The file of {@code target} in the directory {@code environment} names. */
    static WritePositionFile of(String target, Map<String, String> environment, PrintStream warnings) {
        Path directory = directory(environment, System.getProperty("user.home"));
        return new WritePositionFile(directory.resolve(fileName(target)), warnings);
    }

    static Path directory(Map<String, String> environment, String home) {
        Optional<String> own = CliArgs.variable(environment, DIRECTORY_VARIABLE);
        if (own.isPresent()) {
            return Path.of(own.get());
        }
        // XDG: a relative XDG_STATE_HOME is invalid and to be ignored
        Path state = CliArgs.variable(environment, "XDG_STATE_HOME").map(Path::of).filter(Path::isAbsolute)
                .orElse(Path.of(home, ".local", "state"));
        return state.resolve("order-client");
    }

    /** The target, URL-encoded so that ':', '/' and ',' make no trouble, and every target has its own. */
    static String fileName(String target) {
        String name = URLEncoder.encode(target, StandardCharsets.UTF_8) + ".min-lsn";
        if (name.length() <= LONGEST_NAME) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(target.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash) + ".min-lsn";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    Path path() {
        return file;
    }

    /** The position kept, if any; none when the file is missing or cannot be read. */
    OptionalLong read() {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             var lock = channel.lock(0, Long.MAX_VALUE, true)) {
            return parse(channel);
        } catch (IOException e) {
            warn("could not read the read-your-writes position in " + file + ": " + e);
            return OptionalLong.empty();
        }
    }

    /** Keeps {@code position} unless the file has one at least as far already. */
    void keep(long position) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                                                        StandardOpenOption.WRITE);
                 var lock = channel.lock()) {
                OptionalLong kept = parse(channel);
                if (kept.isPresent() && Long.compareUnsigned(kept.getAsLong(), position) >= 0) {
                    return;
                }
                channel.truncate(0);
                byte[] content = (Long.toUnsignedString(position) + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.write(ByteBuffer.wrap(content), 0);
            }
        } catch (IOException e) {
            warn("could not keep the read-your-writes position in " + file + ": " + e);
        }
    }

    /**
     * What the file holds; a file that holds something else counts as empty, and will be overwritten.
     * Read through the locked channel: closing any other descriptor of the file would release the lock.
     */
    private OptionalLong parse(FileChannel channel) throws IOException {
        // a position is 20 digits at most: what is longer is no position
        String text = new String(Channels.newInputStream(channel).readNBytes(64), StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong position = WritePosition.parse(text);
        if (position.isEmpty()) {
            warn("ignoring " + file + ": it holds no read-your-writes position ('"
                 + text.lines().findFirst().orElse("") + "')");
        }
        return position;
    }

    /** At most one line per run: the file is not what the run is about. */
    private void warn(String message) {
        if (!warned) {
            warned = true;
            warnings.println("warning: " + message);
        }
    }
}
