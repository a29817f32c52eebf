package com.example.orders.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the test's own, made at test time with the JDK's keytool in a new
 * temporary directory (no key is committed), and the server keys it signs: what a deployment's TLS
 * looks like, a server certificate for its names and a CA file for the clients that trust it.
 * Everything is valid for two days, and deleted when the JVM exits.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path dir;
    private final Path authorityKeystore;
    private final Path authorityCertificate;
    private int servers;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.authorityKeystore = file("ca.p12");
        this.authorityCertificate = file("ca.pem");
    }

    /** A file in the directory, deleted at exit: before the directory, which was registered first. */
    private Path file(String name) {
        Path file = dir.resolve(name);
        file.toFile().deleteOnExit();
        return file;
    }

    /** A new certificate authority named {@code name}. */
    public static TestCertificates authority(String name) {
        TestCertificates authority;
        try {
            Path dir = Files.createTempDirectory("test-ca");
            dir.toFile().deleteOnExit();
            authority = new TestCertificates(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        authority.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", authority.authorityKeystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        authority.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", authority.authorityKeystore.toString(),
                "-storepass", PASSWORD, "-file", authority.authorityCertificate.toString());
        return authority;
    }

    /** The authority's certificate in PEM: what a client trusts (--ca-file). */
    public Path caFile() {
        return authorityCertificate;
    }

    /**
     * The authority's certificate in a PKCS#12 trust store (password changeit): what a JVM trusts
     * as its default trust store with {@code -Djavax.net.ssl.trustStore=}.
     */
    public synchronized Path trustStore() {
        Path trustStore = dir.resolve("truststore.p12");
        if (!Files.exists(trustStore)) {
            file(trustStore.getFileName().toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", authorityCertificate.toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
        }
        return trustStore;
    }

    /**
     * A server key with a certificate this authority signed for {@code names}, keytool's
     * subject alternative names such as {@code dns:localhost} or {@code ip:127.0.0.1}.
     */
    public synchronized ServerKey serverKey(String... names) {
        String serverName = "server" + ++servers;
        Path keystore = file(serverName + ".p12");
        Path request = file(serverName + ".csr");
        Path chain = file(serverName + "-chain.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + serverName, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", authorityKeystore.toString(), "-storepass", PASSWORD,
                "-infile", request.toString(), "-outfile", chain.toString(), "-validity", "2",
                "-ext", "SAN=" + String.join(",", names), "-ext", "EKU=serverAuth");
        try {
            // the reply keytool imports in place of the self-signed certificate: the chain up to the authority
            Files.writeString(chain, Files.readString(chain) + Files.readString(authorityCertificate));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        keytool("-importcert", "-noprompt", "-alias", "server", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-file", chain.toString());
        return new ServerKey(keystore, PASSWORD, "server");
    }

    /** A PKCS#12 keystore holding the key under {@code alias}. */
    public record ServerKey(Path keystore, String password, String alias) {

        /** The server's configuration keys that serve TLS with this key. */
        public Map<String, String> serverConfig() {
            return Map.of("server.tls.private-key.keystore.resource.path", keystore.toString(),
                          "server.tls.private-key.keystore.passphrase", password,
                          "server.tls.private-key.keystore.key.alias", alias);
        }
    }

    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not run keytool", e);
        }
    }
}
