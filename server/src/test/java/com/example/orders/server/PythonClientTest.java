package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the Python client's checks ({@code clients/python}, Python's unittest) against real servers,
 * so that the API breaking for a client in another language fails the build: first its stubs are
 * generated from the proto ({@code ./generate}), then the client's own headers are checked against an
 * in-process server, the API against {@link #service}, TLS and the bearer token against
 * {@link #secured}, and docs/api.md's Python example against {@link #documented}. Without protoc,
 * grpc_python_plugin or a python3 that imports Debian's grpc and protobuf, this test fails rather than
 * skips: a skipped check would let the build pass untested.
 */
class PythonClientTest {

    private static final String TOKEN = "python-s3cret";
    private static final TestCertificates AUTHORITY = TestCertificates.authority("PythonClientTest CA");
    private static final Duration TEST_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @RegisterExtension
    static final ServiceFixture secured = new ServiceFixture(securedConfig());

    /** The example's output shows ids, which start at 1 only in a schema of its own. */
    @RegisterExtension
    static final ServiceFixture documented = new ServiceFixture();

    private static final Path CLIENT = ProjectFiles.find("clients/python");
    private static String python;

    @BeforeAll
    static void generateStubs() throws Exception {
        Command.of("bash", "generate").in(CLIENT).succeeds();
        python = python();
    }

    @Test
    void theClientSendsItsHeadersAndKeepsTheLargestMinLsn() throws Exception {
        inClient(python, "-m", "unittest", "-v", "test_client_headers").succeeds();
    }

    @Test
    void theClientPassesItsChecksAgainstTheService() throws Exception {
        inClient(python, "-m", "unittest", "-v", "test_orders_client")
                .with(Map.of("ORDER_SERVICE_TARGET", "127.0.0.1:" + service.server().port()))
                .succeeds();
    }

    @Test
    void theClientTalksTlsWithTheTokenToASecuredService() throws Exception {
        inClient(python, "-m", "unittest", "-v", "test_tls_and_token")
                .with(Map.of("ORDER_SERVICE_TARGET", "localhost:" + secured.server().port(),
                             "ORDER_SERVICE_CA_FILE", AUTHORITY.caFile().toString(),
                             "ORDER_SERVICE_TOKEN", TOKEN))
                .succeeds();
    }

    /**
     * The python block under docs/api.md's "Python client" runs as shown, with localhost:8080 changed
     * to the service's address, and prints the text block after it (times masked).
     */
    @Test
    void theDocumentedExamplePrintsWhatTheDocsShow() throws Exception {
        String docs = Files.readString(ProjectFiles.find("docs/api.md"));
        Matcher section = Pattern.compile("(?s)\n## Python client\n(.*?)(\n## |$)").matcher(docs);
        if (!section.find()) {
            fail("docs/api.md has no section '## Python client'");
        }
        Matcher example = Pattern.compile("(?s)```python\n(.*?)```.*?```text\n(.*?)```").matcher(section.group(1));
        if (!example.find()) {
            fail("docs/api.md's Python client section has no python block followed by a text block of its output");
        }
        String code = example.group(1).replace("localhost:8080", "127.0.0.1:" + documented.server().port());
        String output = inClient(python, "-c", code).succeeds();
        assertEquals(mask(example.group(2)), mask(output), "what docs/api.md's Python example prints (times masked)");
    }

    /** Debian's python3 first: another one on the PATH (pyenv's) may lack Debian's grpc and protobuf. */
    private static String python() throws Exception {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            if (Command.of(candidate, "-c", "import grpc, google.protobuf").run().exitStatus() == 0) {
                return candidate;
            }
        }
        return fail("No python3 imports grpc and google.protobuf: install the Debian packages python3-grpcio and python3-protobuf");
    }

    /** TLS with a certificate of the test CA, and the bearer token. */
    private static Map<String, String> securedConfig() {
        Map<String, String> config = new HashMap<>(AUTHORITY.serverKey("dns:localhost", "ip:127.0.0.1").serverConfig());
        config.put("service.auth.token", TOKEN);
        return config;
    }

    private static String mask(String text) {
        return TIMESTAMP.matcher(text).replaceAll("<timestamp>");
    }

    /**
     * Runs in clients/python with the ORDER_SERVICE_ variables of the build's environment emptied, which
     * the client reads as unset: each check sees only those the test gives it.
     */
    private static Command inClient(String... command) {
        Map<String, String> unset = new HashMap<>();
        System.getenv().keySet().stream().filter(name -> name.startsWith("ORDER_SERVICE_")).forEach(name -> unset.put(name, ""));
        return Command.of(command).in(CLIENT).with(unset).within(TEST_TIMEOUT);
    }
}
