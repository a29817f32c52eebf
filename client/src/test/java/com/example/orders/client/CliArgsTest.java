package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CliArgsTest {

    @Test
    void targetDefaultsToLocalhost() {
        CliArgs args = CliArgs.parse(Map.of(), "get-order", "--id", "7");

        assertEquals("localhost:8080", args.target());
        assertEquals("get-order", args.command());
        assertEquals(7L, args.requiredLong("id"));
    }

    @Test
    void targetDefaultsToTheEnvironmentsWhenSet() {
        assertEquals("orders:9090", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders:9090"), "get-order").target());
        assertEquals("orders:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders"), "get-order").target());
        assertEquals("localhost:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", " "), "get-order").target());
    }

    @Test
    void targetOptionWinsOverTheEnvironment() {
        CliArgs args = CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "orders:9090"), "--target", "other:7070", "get-order");

        assertEquals("other:7070", args.target());
    }

    @Test
    void targetComesBeforeTheCommand() {
        CliArgs args = CliArgs.parse("--target", "orders:9090", "cancel-order", "--id", "3");

        assertEquals("orders:9090", args.target());
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
        assertEquals("orders:8080", CliArgs.parse("--target", "orders", "get-order").target());
        assertEquals("orders:9090", CliArgs.parse("--target", "orders:9090", "get-order").target());
        assertEquals("[::1]:8080", CliArgs.parse("--target", "[::1]", "get-order").target());
        assertEquals("[::1]:9090", CliArgs.parse("--target", "[::1]:9090", "get-order").target());
        assertEquals("dns:///orders:9090", CliArgs.parse("--target", "dns:///orders:9090", "get-order").target());
    }

    @Test
    void severalTargetsEachGetTheServicesPort() {
        assertEquals("a:8080,b:9090", CliArgs.parse("--target", "a,b:9090", "get-order").target());
        assertEquals("a:8080,b:8080", CliArgs.parse(Map.of("ORDER_SERVICE_TARGET", "a, b"), "get-order").target());
    }

    private static void assertUsage(String message, String... argv) {
        UsageException e = assertThrows(UsageException.class, () -> CliArgs.parse(argv));
        assertEquals(message, e.getMessage());
    }
}
