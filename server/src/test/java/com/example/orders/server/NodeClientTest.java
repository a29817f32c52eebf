package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the Node.js client's checks ({@code clients/node}, {@code node --test}) against a real server,
 * so that the API breaking for a client in another language fails the build; and its checks of TLS
 * and the bearer token against a second one that wants both, with a certificate a CA of the test's
 * own signed. Without Node.js 20+ and npm on the PATH this test fails rather than skips, and it fails when
 * a check was skipped: a skipped check would let the build pass untested.
 */
class NodeClientTest {

    private static final String TOKEN = "node-s3cret";
    private static final TestCertificates AUTHORITY = TestCertificates.authority("NodeClientTest CA");

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @RegisterExtension
    static final ServiceFixture secureService = new ServiceFixture(secured());

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration TEST_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void theNodeClientPassesItsChecks() throws Exception {
        Path client = ProjectFiles.find("clients/node");
        if (needsInstall(client)) {
            Command.of("npm", "ci", "--no-audit", "--no-fund").in(client).within(INSTALL_TIMEOUT).succeeds();
        }
        // The files by name: node --test passes when it finds no test files at all.
        String log = Command.of("node", "--test", "--test-reporter=spec", "orders-client.test.js", "write-position.test.js")
                .in(client)
                .with(Map.of("ORDER_SERVICE_TARGET", "127.0.0.1:" + service.server().port(),
                             "SECURE_ORDER_SERVICE_TARGET", "localhost:" + secureService.server().port(),
                             "SECURE_ORDER_SERVICE_CA_FILE", AUTHORITY.caFile().toString(),
                             "SECURE_ORDER_SERVICE_TOKEN", TOKEN,
                             "UNTRUSTED_CA_FILE", TestCertificates.authority("Another CA").caFile().toString()))
                .within(TEST_TIMEOUT)
                .succeeds();
        assertTrue(log.contains("\u2139 skipped 0"), () -> "checks were skipped:\n" + log);
    }

    private static Map<String, String> secured() {
        Map<String, String> config = new HashMap<>(AUTHORITY.serverKey("dns:localhost", "ip:127.0.0.1").serverConfig());
        config.put("service.auth.token", TOKEN);
        return config;
    }

    /**
     * npm writes node_modules/.package-lock.json once the packages are in place: it is missing after an
     * interrupted install, and older than package-lock.json after the dependencies changed.
     */
    private static boolean needsInstall(Path client) throws IOException {
        Path installed = client.resolve("node_modules/.package-lock.json");
        Path lockfile = client.resolve("package-lock.json");
        return !Files.exists(installed)
               || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lockfile)) < 0;
    }
}
