package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
    private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(1);
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

    private static final Path CLIENT = pythonClientDirectory();
    private static String python;

    @BeforeAll
    static void generateStubs() throws Exception {
        run(GENERATE_TIMEOUT, Map.of(), "bash", "generate").assertSucceeded();
        python = python();
    }

    @Test
    void theClientSendsItsHeadersAndKeepsTheLargestMinLsn() throws Exception {
        run(TEST_TIMEOUT, Map.of(), python, "-m", "unittest", "-v", "test_client_headers").assertSucceeded();
    }

    @Test
    void theClientPassesItsChecksAgainstTheService() throws Exception {
        run(TEST_TIMEOUT, Map.of("ORDER_SERVICE_TARGET", "127.0.0.1:" + service.server().port()),
            python, "-m", "unittest", "-v", "test_orders_client").assertSucceeded();
    }

    @Test
    void theClientTalksTlsWithTheTokenToASecuredService() throws Exception {
        run(TEST_TIMEOUT, Map.of("ORDER_SERVICE_TARGET", "localhost:" + secured.server().port(),
                                 "ORDER_SERVICE_CA_FILE", CA.caCertificate().toString(),
                                 "ORDER_SERVICE_TOKEN", TOKEN),
            python, "-m", "unittest", "-v", "test_tls_and_token").assertSucceeded();
    }

    /**
     * The python block under docs/api.md's "Python client" runs as shown, with localhost:8080 changed
     * to the service's address, and prints the text block after it (times masked).
     */
    @Test
    void theDocumentedExamplePrintsWhatTheDocsShow() throws Exception {
        String docs = Files.readString(CLIENT.resolve("../../docs/api.md"));
        Matcher section = Pattern.compile("(?s)\n## Python client\n(.*?)(\n## |$)").matcher(docs);
        if (!section.find()) {
            fail("docs/api.md has no section '## Python client'");
        }
        Matcher example = Pattern.compile("(?s)```python\n(.*?)```.*?```text\n(.*?)```").matcher(section.group(1));
        if (!example.find()) {
            fail("docs/api.md's Python client section has no python block followed by a text block of its output");
        }
        String code = example.group(1).replace("localhost:8080", "127.0.0.1:" + documented.server().port());
        Result result = run(TEST_TIMEOUT, Map.of(), python, "-c", code);
        result.assertSucceeded();
        assertEquals(mask(example.group(2)), mask(result.output()), "what docs/api.md's Python example prints (times masked)");
    }

    /** Debian's python3 first: another one on the PATH (pyenv's) may lack Debian's grpc and protobuf. */
    private static String python() throws Exception {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            if (run(GENERATE_TIMEOUT, Map.of(), candidate, "-c", "import grpc, google.protobuf").exitStatus() == 0) {
                return candidate;
            }
        }
        return fail("No python3 imports grpc and google.protobuf: install the Debian packages python3-grpcio and python3-protobuf");
    }

    /** TLS with a certificate of the test CA, and the bearer token. */
    private static Map<String, String> securedConfig() {
        Map<String, String> config = new HashMap<>(CA.serverTls());
        config.put("service.auth.token", TOKEN);
        return config;
    }

    /** Surefire runs in {@code server/}, an IDE may run elsewhere in the tree: look upwards. */
    private static Path pythonClientDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path client = dir.resolve("clients/python");
            if (Files.isRegularFile(client.resolve("orders_client.py"))) {
                return client;
            }
        }
        return fail("clients/python not found above " + Path.of("").toAbsolutePath());
    }

    private static String mask(String text) {
        return TIMESTAMP.matcher(text).replaceAll("<timestamp>");
    }

    private record Result(String commandLine, int exitStatus, String output) {
        void assertSucceeded() {
            assertEquals(0, exitStatus, () -> commandLine + " failed:\n" + output);
        }
    }

    /** Runs {@code command} in clients/python with only the ORDER_SERVICE_ variables of {@code environment}. */
    private static Result run(Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        String commandLine = String.join(" ", command) + " in " + CLIENT;
        // A file rather than a pipe: a child left running after a timeout cannot block reading it.
        Path output = Files.createTempFile("python-client", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(CLIENT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("ORDER_SERVICE_"));
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return new Result(commandLine, -1, "cannot run it: " + e.getMessage());
            }
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail(commandLine + " did not finish within " + timeout.toSeconds() + " s:\n" + Files.readString(output));
            }
            return new Result(commandLine, process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
