package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLHandshakeException;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** Statuses as grpc-java makes them for failed calls, each told in one line; no server involved. */
class ErrorLineTest {

    private static final String PIPELINE = "io exception\nChannel Pipeline: [SslHandler#0, ProtocolNegotiators$ClientTlsHandler#0]";

    @Test
    void theServersDescription() {
        assertEquals("customer 7 not found", ErrorLine.of(Status.NOT_FOUND.withDescription("customer 7 not found")));
        assertEquals("no description", ErrorLine.of(Status.UNKNOWN));
    }

    @Test
    void aTransportErrorWithItsCauseOnOneLine() {
        Status refused = Status.UNAVAILABLE.withDescription(PIPELINE)
                .withCause(new ConnectException("Connection refused: localhost/127.0.0.1:1"));

        assertEquals("io exception (Connection refused: localhost/127.0.0.1:1)", ErrorLine.of(refused));
    }

    @Test
    void aCertificateNoTrustedCaSignedIsNamed() {
        SSLHandshakeException handshake = new SSLHandshakeException("General OpenSslEngine problem");
        handshake.initCause(new CertificateException("PKIX path building failed: unable to find valid certification path"));

        assertEquals("TLS handshake failed: the server's certificate is not trusted: PKIX path building failed: "
                     + "unable to find valid certification path",
                     ErrorLine.of(Status.UNAVAILABLE.withDescription(PIPELINE).withCause(handshake)));
    }

    @Test
    void anotherHandshakeFailureSaysWhatItSays() {
        SSLHandshakeException handshake = new SSLHandshakeException("error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER");

        assertEquals("TLS handshake failed: error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER",
                     ErrorLine.of(Status.UNAVAILABLE.withDescription(PIPELINE).withCause(handshake)));
    }
}
