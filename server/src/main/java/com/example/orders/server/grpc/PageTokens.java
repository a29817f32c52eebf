package com.example.orders.server.grpc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.example.orders.server.error.InvalidArgumentException;

/**
 * Opaque page tokens: the keyset cursor (the last id of the page) bound to the query it was made
 * for, so that a token cannot be replayed against another customer or filter.
 */
final class PageTokens {

    private static final String VERSION = "v1";

    private PageTokens() {
    }

    static String encode(String query, long lastId) {
        String plain = VERSION + "|" + query + "|" + lastId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in {@code token}, or {@code first} for an empty token (the first page). */
    static long decode(String token, String query, long first) {
        if (token.isEmpty()) {
            return first;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw invalid();
        }
        if (!parts[1].equals(query)) {
            throw new InvalidArgumentException("page_token belongs to a different query; "
                    + "send the same filters as the request that returned it");
        }
        try {
            return Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static InvalidArgumentException invalid() {
        return new InvalidArgumentException("page_token is not a token returned by this service");
    }
}
