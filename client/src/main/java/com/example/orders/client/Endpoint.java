package com.example.orders.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;

/**
 * Where the service is and how to reach it.
 *
 * @param target host:port, or several of them separated by commas (see {@link Targets})
 * @param tls    whether to talk TLS, verifying the server's certificate against {@code caFile}, or
 *               without it against the JVM's default trust store; else plaintext
 * @param caFile the PEM certificate of the authority that signed the servers' certificates
 * @param token  sent on every call as {@code authorization: Bearer <token>}
 */
record Endpoint(String target, boolean tls, Optional<Path> caFile, Optional<String> token) {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    Endpoint {
        if (caFile.isPresent() && !tls) {
            throw new IllegalArgumentException("a CA file is for TLS");
        }
    }

    /**
     * A CA file that cannot be read or holds no certificate is bad usage, named before anything is
     * sent (grpc-java would only fail to find a channel provider).
     */
    ChannelCredentials credentials() {
        if (!tls) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
        if (caFile.isPresent()) {
            byte[] certificates = readCertificates(caFile.get());
            try {
                credentials.trustManager(new ByteArrayInputStream(certificates));
            } catch (IOException e) {
                throw new UncheckedIOException("reading bytes in memory", e);
            }
        }
        return credentials.build();
    }

    private static byte[] readCertificates(Path file) {
        try {
            byte[] pem = Files.readAllBytes(file);
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return pem;
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read the CA file " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read the CA file " + file + ": " + e);
        } catch (CertificateException e) {
            throw new UsageException("cannot read the CA file " + file + ": " + e.getMessage());
        }
    }

    /** What adds the token to every call, if there is one. */
    Optional<ClientInterceptor> authorization() {
        return token.map(value -> {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + value);
            return MetadataUtils.newAttachHeadersInterceptor(headers);
        });
    }
}
