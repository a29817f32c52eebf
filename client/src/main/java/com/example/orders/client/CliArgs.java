package com.example.orders.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command line of the form {@code [connection options] <command> [--name value ...]}, where the
 * connection options say how to reach the service: {@code --target host[:port][,host[:port]...]},
 * {@code --tls}, {@code --ca-file PATH} and {@code --token TOKEN}, each of which has a default in the
 * environment.
 *
 * <p>Options are only collected here; {@link #checkOptions} refuses those the command does not
 * take before anything runs, so a misspelt option fails, naming it, instead of being ignored.
 */
final class CliArgs {

    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_TARGET = "localhost:" + DEFAULT_PORT;
    /** The same variables the Node client reads: one setting points both at a service. */
    static final String TARGET_VARIABLE = "ORDER_SERVICE_TARGET";
    static final String TLS_VARIABLE = "ORDER_SERVICE_TLS";
    static final String CA_FILE_VARIABLE = "ORDER_SERVICE_CA_FILE";
    static final String TOKEN_VARIABLE = "ORDER_SERVICE_TOKEN";

    private static final Set<String> CONNECTION_OPTIONS = Set.of("--target", "--tls", "--ca-file", "--token");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
    /** What an HTTP header value can carry as it is: visible ASCII, which every token scheme uses. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    private final boolean helpRequested;
    private final Endpoint endpoint;
    private final String command;
    private final Map<String, List<String>> options;

    private CliArgs(boolean helpRequested, Endpoint endpoint, String command, Map<String, List<String>> options) {
        this.helpRequested = helpRequested;
        this.endpoint = endpoint;
        this.command = command;
        this.options = options;
    }

    static CliArgs parse(String... argv) {
        return parse(System.getenv(), argv);
    }

    /**
     * A connection option left out takes its value from {@code environment}: ORDER_SERVICE_TARGET
     * (else localhost:8080), ORDER_SERVICE_TLS (true or false), ORDER_SERVICE_CA_FILE and
     * ORDER_SERVICE_TOKEN; a variable that is blank counts as unset.
     */
    static CliArgs parse(Map<String, String> environment, String... argv) {
        Map<String, String> connection = new LinkedHashMap<>();
        String command = null;
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--help")) {
                return new CliArgs(true, null, null, Map.of());
            }
            if (command == null && arg.equals("--tls")) {
                connection.put(arg, "true");
                continue;
            }
            if (command == null && !arg.startsWith("--")) {
                command = arg;
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (command != null && CONNECTION_OPTIONS.contains(arg)) {
                throw new UsageException(arg + " must come before the command");
            }
            if (i + 1 == argv.length) {
                throw new UsageException(arg + " needs a value");
            }
            // Values are taken verbatim, even when they start with '-', so negative numbers reach the server.
            String value = argv[++i];
            if (command == null) {
                if (!CONNECTION_OPTIONS.contains(arg)) {
                    throw new UsageException(arg + " must come after the command");
                }
                connection.put(arg, value);
            } else {
                options.computeIfAbsent(arg.substring(2), name -> new ArrayList<>()).add(value);
            }
        }
        if (command == null) {
            throw new UsageException("missing command");
        }
        return new CliArgs(false, endpoint(connection, environment), command, options);
    }

    /** The connection options given, each with its variable as the default. */
    private static Endpoint endpoint(Map<String, String> given, Map<String, String> environment) {
        String target = withDefaultPorts(Optional.ofNullable(given.get("--target"))
                .or(() -> variable(environment, TARGET_VARIABLE)).orElse(DEFAULT_TARGET));
        boolean tls = given.containsKey("--tls") || switch (variable(environment, TLS_VARIABLE).orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            case String other -> throw new UsageException(TLS_VARIABLE + " must be true or false, got '" + other + "'");
        };
        Optional<Path> caFile = Optional.ofNullable(given.get("--ca-file"))
                .or(() -> variable(environment, CA_FILE_VARIABLE)).map(Path::of);
        Optional<String> token = given.containsKey("--token")
                ? Optional.of(checkToken("--token", given.get("--token")))
                : variable(environment, TOKEN_VARIABLE).map(value -> checkToken(TOKEN_VARIABLE, value));
        return new Endpoint(target, tls || caFile.isPresent(), caFile, token);
    }

    /** The variable's value, unless it is unset or blank. */
    static Optional<String> variable(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** A token that would not reach the server as it is, is refused here rather than altered. */
    private static String checkToken(String source, String token) {
        if (!TOKEN.matcher(token).matches()) {
            throw new UsageException(source + " must be printable ASCII without spaces");
        }
        return token;
    }

    boolean helpRequested() {
        return helpRequested;
    }

    /** How to reach the service; not set when help was requested. */
    Endpoint endpoint() {
        return endpoint;
    }

    String command() {
        return command;
    }

    String required(String name) {
        return optional(name).orElseThrow(() -> new UsageException(command + " needs --" + name));
    }

    Optional<String> optional(String name) {
        List<String> values = values(name);
        if (values.size() > 1) {
            throw new UsageException("--" + name + " may be given only once");
        }
        return values.stream().findFirst();
    }

    /** All values of an option that may be repeated and must be given at least once. */
    List<String> repeated(String name) {
        List<String> values = values(name);
        if (values.isEmpty()) {
            throw new UsageException(command + " needs at least one --" + name);
        }
        return values;
    }

    long requiredLong(String name) {
        return toLong(name, required(name));
    }

    int requiredInt(String name) {
        return toInt(name, required(name));
    }

    int optionalInt(String name, int defaultValue) {
        return optional(name).map(value -> toInt(name, value)).orElse(defaultValue);
    }

    long optionalLong(String name, long defaultValue) {
        return optional(name).map(value -> toLong(name, value)).orElse(defaultValue);
    }

    Duration optionalDuration(String name, Duration defaultValue) {
        return optional(name).map(value -> toDuration(name, value)).orElse(defaultValue);
    }

    /** Refuses the options that are not among {@code known}, the ones the command takes. */
    void checkOptions(Collection<String> known) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new UsageException(command + " does not take --" + String.join(", --", unknown)
                    + (known.isEmpty() ? "; it takes no option" : "; it takes --" + String.join(", --", known)));
        }
    }

    /** Each of several targets (a,b:9090) gets the default port when it has none. */
    static String withDefaultPorts(String targets) {
        if (targets.contains("/")) {
            return targets;
        }
        return String.join(",", Arrays.stream(targets.split(",", -1)).map(String::strip).map(CliArgs::withDefaultPort).toList());
    }

    /**
     * A target without a port gets the service's, 8080 (grpc-java would use 80 or 443). Targets in
     * URI form (dns:///host:port) are left alone.
     */
    static String withDefaultPort(String target) {
        if (target.contains("/")) {
            return target;
        }
        boolean hasPort = target.startsWith("[") ? target.contains("]:") : target.contains(":");
        return hasPort ? target : target + ":" + DEFAULT_PORT;
    }

    static long toLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }

    static int toInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }

    /** A whole number and a unit: 500ms, 20s, 5m. */
    static Duration toDuration(String name, String value) {
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new UsageException("--" + name + " must be a whole number and ms, s or m (such as 20s), got '"
                    + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }
}
