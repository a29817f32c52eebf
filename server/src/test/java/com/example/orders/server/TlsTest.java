package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status.Code;
import io.grpc.TlsChannelCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS on the gRPC port from a configured key and certificate (here a self-signed one). */
class TlsTest {

    private static final Path DIR = tempDir();
    private static final String PASSWORD = "changeit";
    private static final Path KEYSTORE = keytool("-genkeypair", "-alias", "server", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", DIR.resolve("server.p12").toString(),
            "-storepass", PASSWORD, "-keypass", PASSWORD).resolve("server.p12");
    private static final Path CERTIFICATE = keytool("-exportcert", "-rfc", "-alias", "server",
            "-keystore", KEYSTORE.toString(), "-storepass", PASSWORD,
            "-file", DIR.resolve("server.crt").toString()).resolve("server.crt");

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "server.tls.private-key.keystore.resource.path", KEYSTORE.toString(),
            "server.tls.private-key.keystore.passphrase", PASSWORD,
            "server.tls.private-key.keystore.key.alias", "server"));

    @Test
    void aClientTrustingTheCertificateTalksOverTls() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", service.server().port(),
                TlsChannelCredentials.newBuilder().trustManager(CERTIFICATE.toFile()).build()).build();
        try {
            assertEquals("Tls Client", OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("tls@example.com").setName("Tls Client").build())
                    .getName());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlaintextClientIsNotServed() throws Exception {
        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("localhost", service.server().port()).usePlaintext().build();
        try {
            assertStatus(Code.INTERNAL, "http2 exception", () -> OrderServiceGrpc.newBlockingStub(plaintext)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("plain@example.com").setName("P").build()));
        } finally {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("tls-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the JDK's keytool; returns the directory it wrote to. */
    private static Path keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return DIR;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not run keytool", e);
        }
    }
}
