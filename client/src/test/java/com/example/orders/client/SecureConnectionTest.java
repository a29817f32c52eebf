package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.TestCertificates;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI and the load generator against a real service that wants TLS and a bearer token, as a
 * deployment does, with a certificate that a CA of the test's own signed.
 */
class SecureConnectionTest {

    private static final String TOKEN = "s3cret-Token_1";
    private static final TestCertificates AUTHORITY = TestCertificates.authority("Order service test CA");
    private static final TestCertificates STRANGER = TestCertificates.authority("Some other CA");

    private static FreshService service;
    private static String target;

    /** Where the CLI keeps its read-your-writes position, instead of the user's state directory. */
    @TempDir
    static Path stateDirectory;

    @BeforeAll
    static void startService() throws Exception {
        service = FreshService.start(secured(AUTHORITY.serverKey("dns:localhost", "ip:127.0.0.1")));
        target = "localhost:" + service.port();
        // customer 1, whose orders the load command lists
        ManagedChannel channel = Targets.channelBuilder(new Endpoint(target, true, Optional.of(AUTHORITY.caFile()),
                                                                     Optional.of(TOKEN))).build();
        try {
            assertEquals(1, OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("first@example.com").setName("First").build())
                    .getId());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theCaAndTheTokenGetTheCallServed() throws Exception {
        CliProcess.Result result = cli(Map.of(), "--target", target, "--ca-file", caFile(), "--token", TOKEN,
                                       "create-customer", "--email", "tls@example.com", "--name", "Tls Client");

        assertEquals(0, result.exitStatus(), result.stderr());
        assertTrue(result.stdout().contains("\"name\": \"Tls Client\""), result.stdout());
    }

    @Test
    void theEnvironmentCanSayItAll() throws Exception {
        CliProcess.Result result = cli(Map.of("ORDER_SERVICE_TARGET", target, "ORDER_SERVICE_CA_FILE", caFile(),
                                              "ORDER_SERVICE_TOKEN", TOKEN), "list-products");

        assertEquals(0, result.exitStatus(), result.stderr());
        assertTrue(result.stdout().contains("\"products\""), result.stdout());
    }

    @Test
    void theTokenOptionWinsOverTheEnvironments() throws Exception {
        CliProcess.Result result = cli(Map.of("ORDER_SERVICE_TOKEN", "not-the-token"),
                                       "--target", target, "--ca-file", caFile(), "--token", TOKEN, "list-products");

        assertEquals(0, result.exitStatus(), result.stderr());
    }

    @Test
    void withoutTheTokenTheCallIsUnauthenticated() throws Exception {
        CliProcess.Result result = cli(Map.of(), "--target", target, "--ca-file", caFile(), "list-products");

        assertError("ERROR UNAUTHENTICATED: missing bearer token: send the header authorization: Bearer <token>", result);
    }

    @Test
    void aWrongTokenIsUnauthenticated() throws Exception {
        CliProcess.Result result = cli(Map.of("ORDER_SERVICE_TOKEN", "not-the-token"),
                                       "--target", target, "--ca-file", caFile(), "list-products");

        assertError("ERROR UNAUTHENTICATED: invalid bearer token", result);
    }

    @Test
    void aServerAnotherCaSignedIsNotTrusted() throws Exception {
        CliProcess.Result result = cli(Map.of(), "--target", target, "--ca-file", STRANGER.caFile().toString(),
                                       "--token", TOKEN, "list-products");

        assertError("ERROR UNAVAILABLE: TLS handshake failed: the server's certificate is not trusted: ", result);
    }

    @Test
    void tlsAloneTrustsTheJvmsTrustStore() throws Exception {
        CliProcess.Result trusted = CliProcess.run(
                CliLauncher.command("-Djavax.net.ssl.trustStore=" + AUTHORITY.trustStore(),
                                    "-Djavax.net.ssl.trustStorePassword=changeit"),
                withStateDirectory(Map.of("ORDER_SERVICE_TOKEN", TOKEN)), "--target", target, "--tls", "list-products");
        CliProcess.Result untrusted = cli(Map.of("ORDER_SERVICE_TOKEN", TOKEN), "--target", target, "--tls", "list-products");

        assertEquals(0, trusted.exitStatus(), trusted.stderr());
        assertError("ERROR UNAVAILABLE: TLS handshake failed: the server's certificate is not trusted: ", untrusted);
    }

    @Test
    void theLoadCommandRunsOverTlsWithTheToken() throws Exception {
        CliProcess.Result result = cli(Map.of("ORDER_SERVICE_TOKEN", TOKEN),
                                       "--target", target, "--ca-file", caFile(),
                                       "load", "--rpc", "list-orders", "--customers", "1", "--calls", "50",
                                       "--warmup", "0ms", "--concurrency", "2");

        assertEquals(0, result.exitStatus(), result.stdout() + result.stderr());
        assertTrue(result.stdout().contains("status      OK 50"), result.stdout());
    }

    /**
     * Each of several targets is verified by its own name: here one instance's certificate names
     * only localhost, the other's only 127.0.0.1.
     */
    @Test
    void severalTargetsAreEachVerifiedByTheirOwnName() throws Exception {
        try (FreshService first = FreshService.start(secured(AUTHORITY.serverKey("dns:localhost")));
             FreshService second = FreshService.start(secured(AUTHORITY.serverKey("ip:127.0.0.1")))) {
            Endpoint endpoint = new Endpoint("localhost:" + first.port() + ",127.0.0.1:" + second.port(), true,
                                             Optional.of(AUTHORITY.caFile()), Optional.of(TOKEN));
            LoadOptions options = new LoadOptions(new Workload(Workload.Rpc.GET_ORDER, 1, 1, 1_000, 1), 1, 1,
                                                  Duration.ZERO, Duration.ofMinutes(1), 40, Duration.ofSeconds(10),
                                                  true, Optional.empty());

            LoadResult result = LoadGenerator.run(endpoint, options, new PrintStream(OutputStream.nullOutputStream()));

            assertEquals(Map.of("NOT_FOUND", 40L), result.statusCounts(), result.firstErrors()::toString);
            assertTrue(first.statementsExecuted() >= 19 && second.statementsExecuted() >= 19,
                       "round robin: " + first.statementsExecuted() + " and " + second.statementsExecuted() + " calls");
        }
    }

    private static Map<String, String> secured(TestCertificates.ServerKey key) {
        Map<String, String> settings = new HashMap<>(key.serverConfig());
        settings.put("service.auth.token", TOKEN);
        return settings;
    }

    private static String caFile() {
        return AUTHORITY.caFile().toString();
    }

    private static CliProcess.Result cli(Map<String, String> environment, String... args) throws Exception {
        return CliProcess.run(CliLauncher.command(), withStateDirectory(environment), args);
    }

    private static Map<String, String> withStateDirectory(Map<String, String> environment) {
        Map<String, String> all = new HashMap<>(environment);
        all.put(WritePositionFile.DIRECTORY_VARIABLE, stateDirectory.toString());
        return all;
    }

    /** One line on stderr that starts with {@code start}, nothing on stdout, exit status 1. */
    private static void assertError(String start, CliProcess.Result result) {
        assertEquals("", result.stdout());
        List<String> lines = result.stderr().lines().toList();
        assertEquals(1, lines.size(), result.stderr());
        assertTrue(lines.getFirst().startsWith(start), lines.getFirst());
        assertEquals(1, result.exitStatus());
    }
}
