package com.example.orders.client;

import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;

import io.grpc.Status;

/** What made a call fail, on one line, for a person: the status's description, or what lies under it. */
final class ErrorLine {

    private ErrorLine() {
    }

    /**
     * Transport failures carry the useful detail in the cause: a refused connection, or why the TLS
     * handshake failed, which only the cause of the handshake's exception tells ("General
     * OpenSslEngine problem" stands above a certificate that no trusted CA signed).
     */
    static String of(Status status) {
        // grpc-java puts the Netty pipeline on a line of its own under a transport error: no help here
        String description = firstLine(Objects.requireNonNullElse(status.getDescription(), "no description"));
        Throwable cause = status.getCause();
        if (cause == null) {
            return description;
        }
        return Stream.iterate(cause, Objects::nonNull, Throwable::getCause)
                .filter(SSLHandshakeException.class::isInstance)
                .findFirst()
                .map(handshake -> Objects.requireNonNullElse(handshake.getCause(), handshake))
                .map(reason -> "TLS handshake failed: "
                        + (reason instanceof CertificateException ? "the server's certificate is not trusted: " : "")
                        + firstLine(String.valueOf(reason.getMessage())))
                .orElse(cause.getMessage() == null ? description : description + " (" + firstLine(cause.getMessage()) + ")");
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}
