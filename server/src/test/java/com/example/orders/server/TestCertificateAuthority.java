package com.example.orders.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the tests' own, made with the JDK's keytool in a temporary directory,
 * and a server key with a certificate it signed for localhost and 127.0.0.1: a client that trusts
 * {@link #caCertificate()}, as it would a company's CA, talks TLS to a server configured with
 * {@link #serverTls()}. Unlike a self-signed server certificate, this checks that a client follows the
 * chain up to the CA it was given.
 */
record TestCertificateAuthority(Path caCertificate, Path serverKeystore) {

    private static final String PASSWORD = "changeit";

    static TestCertificateAuthority create() {
        try {
            Path dir = Files.createTempDirectory("test-ca");
            dir.toFile().deleteOnExit();
            String ca = dir.resolve("ca.p12").toString();
            String server = dir.resolve("server.p12").toString();
            Path caCertificate = dir.resolve("ca.crt");
            String request = dir.resolve("server.csr").toString();
            String serverCertificate = dir.resolve("server.crt").toString();
            keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Order service test CA", "-ext", "bc:c",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", ca);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caCertificate.toString());
            keytool("-genkeypair", "-alias", "server", "-dname", "CN=localhost",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", server);
            keytool("-certreq", "-alias", "server", "-keystore", server, "-file", request);
            keytool("-gencert", "-alias", "ca", "-keystore", ca, "-infile", request, "-outfile", serverCertificate,
                    "-rfc", "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth");
            // The CA first, so that keytool takes the signed certificate as the key's, with its chain.
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(), "-keystore", server);
            keytool("-importcert", "-alias", "server", "-file", serverCertificate, "-keystore", server);
            for (String file : List.of(ca, server, caCertificate.toString(), request, serverCertificate)) {
                Path.of(file).toFile().deleteOnExit();
            }
            return new TestCertificateAuthority(caCertificate, Path.of(server));
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    /** The configuration of a server that serves TLS with the key and certificate this CA signed. */
    Map<String, String> serverTls() {
        return Map.of("server.tls.private-key.keystore.resource.path", serverKeystore.toString(),
                      "server.tls.private-key.keystore.passphrase", PASSWORD,
                      "server.tls.private-key.keystore.key.alias", "server");
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run keytool", e);
        }
    }
}
