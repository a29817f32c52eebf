package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.example.orders.server.error.InvalidArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Page tokens as OrderGrpcService makes and reads them: "products", "orders/CUSTOMER/STATUS". */
class PageTokensTest {

    private static final byte[] SECRET = "a secret the instances share".getBytes(StandardCharsets.UTF_8);
    private static final String NOT_OURS = "page_token is not a token returned by this service";

    private final PageTokens tokens = new PageTokens(SECRET);

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 42, 9_007_199_254_740_993L, Long.MAX_VALUE})
    void aTokenGivesBackTheCursorItWasMadeFor(long lastId) {
        String token = tokens.encode("orders/7/0", lastId);

        assertEquals(lastId, tokens.decode(token, "orders/7/0", Long.MAX_VALUE));
        assertEquals(lastId, new PageTokens(SECRET.clone()).decode(token, "orders/7/0", Long.MAX_VALUE),
                     "another instance with the same secret");
    }

    @Test
    void aTokenIsUrlSafeBase64WithoutPadding() {
        String token = tokens.encode("orders/7/2", 123_456);

        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
    }

    @Test
    void anEmptyTokenAsksForTheFirstPage() {
        assertEquals(0, tokens.decode("", "products", 0));
        assertEquals(Long.MAX_VALUE, tokens.decode("", "orders/7/0", Long.MAX_VALUE));
    }

    @Test
    void aTokenOfAnotherQueryIsRefusedSayingSo() {
        String token = tokens.encode("orders/7/0", 99);

        for (String other : new String[] {"orders/8/0", "orders/7/2", "products", "orders/7/0/", ""}) {
            InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                                                            () -> tokens.decode(token, other, 0));
            assertEquals("page_token belongs to a different query; send the same filters as the request that "
                         + "returned it", refused.getMessage());
        }
    }

    @Test
    void everyAlteredByteIsRefused() {
        byte[] bytes = Base64.getUrlDecoder().decode(tokens.encode("orders/7/0", 99));

        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] altered = bytes.clone();
                altered[i] ^= (byte) (1 << bit);
                assertNotOurs(Base64.getUrlEncoder().withoutPadding().encodeToString(altered));
            }
        }
    }

    @Test
    void everyTruncationIsRefused() {
        String token = tokens.encode("orders/7/0", 99);
        byte[] bytes = Base64.getUrlDecoder().decode(token);

        for (int length = 1; length < token.length(); length++) {
            assertNotOurs(token.substring(0, length));
        }
        for (int length = 1; length < bytes.length; length++) {
            assertNotOurs(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, length)));
        }
    }

    @Test
    void aLongerTokenIsRefused() {
        String token = tokens.encode("orders/7/0", 99);

        assertNotOurs(token + "A");
        assertNotOurs(token + "AAAA");
        assertNotOurs(token + token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a token", "!!!!", "====", "AAAA", "AAAAAAAAAAAAAAAAAAAAAA",
                            "djF8b3JkZXJzLzcvMHw5OQ", // v1|orders/7/0|99 without a signature
                            "a+b/c=", "\u00e9t\u00e9", "\u0000", " "})
    void garbageIsRefused(String token) {
        assertNotOurs(token);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        String token = new PageTokens("another secret".getBytes(StandardCharsets.UTF_8)).encode("orders/7/0", 99);

        assertNotOurs(token);
    }

    @Test
    void aSignedPayloadOfAnotherShapeIsRefused() {
        assertNotOurs(signed("v2|orders/7/0|99"));
        assertNotOurs(signed("v1|orders/7/0"));
        assertNotOurs(signed("v1|orders/7/0|99|100"));
        assertEquals(99, tokens.decode(signed("v1|orders/7/0|99"), "orders/7/0", 0), "the shape the test signs");
    }

    private void assertNotOurs(String token) {
        InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                                                        () -> tokens.decode(token, "orders/7/0", 0), token);
        assertEquals(NOT_OURS, refused.getMessage());
    }

    /** A token as PageTokens makes them (payload, then 16 bytes of its HMAC-SHA256), of any payload. */
    private static String signed(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            byte[] text = payload.getBytes(StandardCharsets.UTF_8);
            byte[] signature = Arrays.copyOf(mac.doFinal(text), 16);
            byte[] token = Arrays.copyOf(text, text.length + signature.length);
            System.arraycopy(signature, 0, token, text.length, signature.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
