package com.example.orders.server.grpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.example.orders.server.error.InvalidArgumentException;

/**
 * Opaque page tokens: the keyset cursor (the last id of the page) bound to the query it was made
 * for, and signed, so that a token cannot be replayed against another customer or filter, nor
 * altered. All instances sharing a secret accept each other's tokens.
 */
public final class PageTokens {

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 16;

    private final SecretKeySpec key;

    public PageTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    String encode(String query, long lastId) {
        byte[] payload = (VERSION + "|" + query + "|" + lastId).getBytes(StandardCharsets.UTF_8);
        byte[] token = ByteBuffer.allocate(payload.length + SIGNATURE_BYTES).put(payload).put(sign(payload)).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The cursor in {@code token}, or {@code first} for an empty token (the first page). */
    long decode(String token, String query, long first) {
        if (token.isEmpty()) {
            return first;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (bytes.length <= SIGNATURE_BYTES) {
            throw invalid();
        }
        byte[] payload = Arrays.copyOf(bytes, bytes.length - SIGNATURE_BYTES);
        byte[] signature = Arrays.copyOfRange(bytes, payload.length, bytes.length);
        if (!MessageDigest.isEqual(sign(payload), signature)) {
            throw invalid();
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw invalid();
        }
        if (!parts[1].equals(query)) {
            throw new InvalidArgumentException("page_token belongs to a different query; "
                    + "send the same filters as the request that returned it");
        }
        return Long.parseLong(parts[2]); // signed by us: always a number
    }

    private byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(payload), SIGNATURE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }

    private static InvalidArgumentException invalid() {
        return new InvalidArgumentException("page_token is not a token returned by this service");
    }
}
