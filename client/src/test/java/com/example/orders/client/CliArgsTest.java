package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CliArgsTest {

    @Test
    void targetDefaultsToLocalhost() {
        CliArgs args = CliArgs.parse(Map.of(), "get-order", "--id", "7");

        assertEquals("localhost:8080", args.endpoint().target());
        assertEquals("get-order", args.command());
        assertEquals(7L, args.requiredLong("id"));
    }

    @Test
    void targetDefaultsToTheEnvironmentsWhenSet() {
        assertEquals("orders:9090", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders:9090"), "get-order").endpoint().target());
        assertEquals("orders:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders"), "get-order").endpoint().target());
        assertEquals("localhost:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", " "), "get-order").endpoint().target());
    }

    @Test
    void targetOptionWinsOverTheEnvironment() {
        CliArgs args = CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders:9090"), "--target", "other:7070", "get-order");

        assertEquals("other:7070", args.endpoint().target());
    }

    @Test
    void targetComesBeforeTheCommand() {
        CliArgs args = CliArgs.parse("--target", "orders:9090", "cancel-order", "--id", "3");

        assertEquals("orders:9090", args.endpoint().target());
        assertEquals("cancel-order", args.command());
    }

    @Test
    void optionsBeforeTheCommandAreRejected() {
        assertUsage("--id must come after the command", "--id", "3", "get-order");
    }

    @Test
    void helpWinsAnywhere() {
        assertTrue(CliArgs.parse("--help").helpRequested());
        assertTrue(CliArgs.parse("get-order", "--help").helpRequested());
        assertFalse(CliArgs.parse("get-order").helpRequested());
    }

    @Test
    void commandIsRequired() {
        assertUsage("missing command");
        assertUsage("missing command", "--target", "localhost:1");
    }

    @Test
    void everyOptionNeedsAValue() {
        assertUsage("--id needs a value", "get-order", "--id");
    }

    @Test
    void valuesMayStartWithADash() {
        assertEquals(-5, CliArgs.parse("create-product", "--stock", "-5").requiredInt("stock"));
    }

    @Test
    void strayWordsAreRejected() {
        assertUsage("unexpected argument '7'", "get-order", "7");
        assertUsage("unexpected argument '-id'", "get-order", "-id", "7");
    }

    @Test
    void repeatedOptionsKeepTheirOrder() {
        CliArgs args = CliArgs.parse("get-orders", "--id", "3", "--id", "1", "--id", "2");

        assertEquals(List.of("3", "1", "2"), args.repeated("id"));
    }

    @Test
    void singleOptionsMayNotBeRepeated() {
        CliArgs args = CliArgs.parse("get-order", "--id", "1", "--id", "2");

        UsageException e = assertThrows(UsageException.class, () -> args.required("id"));
        assertEquals("--id may be given only once", e.getMessage());
    }

    @Test
    void missingOptionsAreNamed() {
        CliArgs args = CliArgs.parse("get-order");

        assertEquals(Optional.empty(), args.optional("id"));
        assertEquals(20, args.optionalInt("page-size", 20));
        assertEquals(0L, args.optionalLong("customer-id", 0));
        assertEquals("get-order needs --id",
                assertThrows(UsageException.class, () -> args.required("id")).getMessage());
        assertEquals("get-order needs at least one --id",
                assertThrows(UsageException.class, () -> args.repeated("id")).getMessage());
    }

    @Test
    void numbersAreChecked() {
        CliArgs args = CliArgs.parse("get-order", "--id", "seven");

        UsageException e = assertThrows(UsageException.class, () -> args.requiredLong("id"));
        assertEquals("--id must be a whole number, got 'seven'", e.getMessage());
    }

    @Test
    void durationsHaveAUnit() {
        CliArgs args = CliArgs.parse("load", "--warmup", "250ms", "--duration", "30s", "--deadline", "2m");

        assertEquals(Duration.ofMillis(250), args.optionalDuration("warmup", Duration.ZERO));
        assertEquals(Duration.ofSeconds(30), args.optionalDuration("duration", Duration.ZERO));
        assertEquals(Duration.ofMinutes(2), args.optionalDuration("deadline", Duration.ZERO));
        assertEquals(Duration.ofSeconds(7), args.optionalDuration("soak", Duration.ofSeconds(7)));
        for (String bad : List.of("30", "s", "1.5s", "-1s", "30 s", "2h")) {
            UsageException e = assertThrows(UsageException.class, () -> CliArgs.toDuration("duration", bad));
            assertEquals("--duration must be a whole number and ms, s or m (such as 20s), got '" + bad + "'",
                    e.getMessage());
        }
    }

    @Test
    void optionsTheCommandDoesNotTakeAreNamed() {
        CliArgs args = CliArgs.parse("get-order", "--id", "1", "--page-size", "5", "--colour", "red");

        UsageException e = assertThrows(UsageException.class, () -> args.checkOptions(List.of("id")));
        assertEquals("get-order does not take --colour, --page-size; it takes --id", e.getMessage());
        CliArgs.parse("list-products").checkOptions(List.of("page-size", "page-token"));
    }

    @Test
    void aTargetWithoutPortGetsTheServicesPort() {
        assertEquals("orders:8080", CliArgs.parse("--target", "orders", "get-order").endpoint().target());
        assertEquals("orders:9090", CliArgs.parse("--target", "orders:9090", "get-order").endpoint().target());
        assertEquals("[::1]:8080", CliArgs.parse("--target", "[::1]", "get-order").endpoint().target());
        assertEquals("[::1]:9090", CliArgs.parse("--target", "[::1]:9090", "get-order").endpoint().target());
        assertEquals("dns:///orders:9090", CliArgs.parse("--target", "dns:///orders:9090", "get-order").endpoint().target());
    }

    @Test
    void severalTargetsEachGetTheServicesPort() {
        assertEquals("a:8080,b:9090", CliArgs.parse("--target", "a,b:9090", "get-order").endpoint().target());
        assertEquals("a:8080,b:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "a, b"), "get-order").endpoint().target());
    }

    @Test
    void plaintextWithoutATokenByDefault() {
        assertEquals(new Endpoint("localhost:8080", false, Optional.empty(), Optional.empty()),
                     CliArgs.parse(Map.of(), "get-order").endpoint());
    }

    @Test
    void connectionOptionsComeBeforeTheCommand() {
        CliArgs args = CliArgs.parse(Map.of(), "--target", "orders:443", "--tls", "--token", "t0k.en", "get-order", "--id", "1");

        assertEquals(new Endpoint("orders:443", true, Optional.empty(), Optional.of("t0k.en")), args.endpoint());
        assertEquals("get-order", args.command());
        for (String option : List.of("--target", "--ca-file", "--token")) {
            assertUsage(option + " must come before the command", "get-order", option, "x");
        }
        assertUsage("--tls must come before the command", "get-order", "--tls");
    }

    @Test
    void aCaFileMeansTls() {
        assertEquals(new Endpoint("orders:8080", true, Optional.of(Path.of("/etc/orders/ca.pem")), Optional.empty()),
                     CliArgs.parse(Map.of(), "--target", "orders", "--ca-file", "/etc/orders/ca.pem", "get-order").endpoint());
    }

    @Test
    void theEnvironmentGivesTheDefaults() {
        Map<String, String> environment = Map.of("ORDER_SERVICE_TARGET", "orders:443", "ORDER_SERVICE_TLS", "true",
                                                  "ORDER_SERVICE_CA_FILE", "ca.pem", "ORDER_SERVICE_TOKEN", "from-env");

        assertEquals(new Endpoint("orders:443", true, Optional.of(Path.of("ca.pem")), Optional.of("from-env")),
                     CliArgs.parse(environment, "get-order").endpoint());
        assertEquals(new Endpoint("other:8080", true, Optional.of(Path.of("other.pem")), Optional.of("from-option")),
                     CliArgs.parse(environment, "--target", "other", "--ca-file", "other.pem", "--token", "from-option",
                                   "get-order").endpoint());
        assertTrue(CliArgs.parse(Map.of("ORDER_SERVICE_TLS", "false"), "--tls", "get-order").endpoint().tls());
    }

    @Test
    void blankVariablesCountAsUnset() {
        Map<String, String> environment = Map.of("ORDER_SERVICE_TLS", "", "ORDER_SERVICE_CA_FILE", " ", "ORDER_SERVICE_TOKEN", "");

        assertEquals(new Endpoint("localhost:8080", false, Optional.empty(), Optional.empty()),
                     CliArgs.parse(environment, "get-order").endpoint());
    }

    @Test
    void tlsIsTrueOrFalse() {
        UsageException e = assertThrows(UsageException.class,
                                        () -> CliArgs.parse(Map.of("ORDER_SERVICE_TLS", "yes"), "get-order"));
        assertEquals("ORDER_SERVICE_TLS must be true or false, got 'yes'", e.getMessage());
        assertTrue(CliArgs.parse(Map.of("ORDER_SERVICE_TLS", "yes"), "--help").helpRequested());
    }

    @Test
    void aTokenIsSentAsItIsOrRefused() {
        assertUsage("--token must be printable ASCII without spaces", "--token", "two words", "get-order");
        assertUsage("--token must be printable ASCII without spaces", "--token", "", "get-order");
        UsageException e = assertThrows(UsageException.class,
                                        () -> CliArgs.parse(Map.of("ORDER_SERVICE_TOKEN", "gr\u00fcn"), "get-order"));
        assertEquals("ORDER_SERVICE_TOKEN must be printable ASCII without spaces", e.getMessage());
    }

    private static void assertUsage(String message, String... argv) {
        UsageException e = assertThrows(UsageException.class, () -> CliArgs.parse(argv));
        assertEquals(message, e.getMessage());
    }
}
