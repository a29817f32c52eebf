package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;

import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderStatus;
import com.google.protobuf.Timestamp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each check at its bounds; every refusal is INVALID_ARGUMENT with a message that names the field. */
class RequestChecksTest {

    /** google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    private static final long FIRST_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, Long.MAX_VALUE})
    void anIdIsPositive(long id) {
        assertEquals(id, RequestChecks.id("order_id", id));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void anIdOfZeroOrLessIsRefused(long id) {
        assertRefused("order_id must be a positive id, got " + id, () -> RequestChecks.id("order_id", id));
        assertRefused("customer_id must be a positive id, got " + id, () -> RequestChecks.id("customer_id", id));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, Long.MAX_VALUE})
    void aCustomerFilterIsAnIdOrZeroForEveryCustomer(long filter) {
        assertEquals(filter, RequestChecks.customerFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void aNegativeCustomerFilterIsRefused(long filter) {
        assertRefused("customer_id must be a positive id, or 0 for every customer, got " + filter,
                      () -> RequestChecks.customerFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, Long.MAX_VALUE})
    void afterEventIdIsAnEventIdOrZeroForEveryStoredEvent(long after) {
        assertEquals(after, RequestChecks.afterEventId(after));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void aNegativeAfterEventIdIsRefused(long after) {
        assertRefused("after_event_id must be an event_id, or 0 for every stored event, got " + after,
                      () -> RequestChecks.afterEventId(after));
    }

    @Test
    void aTimestampMayBeAnywhereInProtobufsRangeFutureIncluded() {
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"), RequestChecks.timestamp("created_after", time(FIRST_SECOND, 0)));
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999999Z"),
                     RequestChecks.timestamp("created_after", time(LAST_SECOND, 999_999_999)));
        assertEquals(Instant.EPOCH, RequestChecks.timestamp("created_after", Timestamp.getDefaultInstance()));
        assertEquals(Instant.ofEpochSecond(-1, 1), RequestChecks.timestamp("created_after", time(-1, 1)));
    }

    @Test
    void aTimestampOutsideProtobufsRangeOrWithNanosOutOfTheirsIsRefused() {
        long[][] refused = {
            {FIRST_SECOND - 1, 999_999_999}, {LAST_SECOND + 1, 0}, {Long.MIN_VALUE, 0}, {Long.MAX_VALUE, 0},
            {0, -1}, {0, 1_000_000_000}, {0, Integer.MIN_VALUE}, {0, Integer.MAX_VALUE}, {LAST_SECOND, -1}};
        for (long[] secondsAndNanos : refused) {
            long seconds = secondsAndNanos[0];
            int nanos = (int) secondsAndNanos[1];
            assertRefused("created_after must be a time between 0001-01-01 and 9999-12-31 with nanos in 0..999999999, "
                          + "got seconds " + seconds + " and nanos " + nanos,
                          () -> RequestChecks.timestamp("created_after", time(seconds, nanos)));
        }
    }

    @Test
    void aNameLosesItsSurroundingWhitespaceAndKeepsItsInnerSpaces() {
        assertEquals("Ada Lovelace", RequestChecks.name("name", "  Ada Lovelace \t\n"));
        assertEquals("Ada", RequestChecks.name("name", "\u2003Ada\u3000"), "Unicode spaces too");
        assertEquals("x".repeat(200), RequestChecks.name("name", " " + "x".repeat(200) + " "));
        assertEquals("A", RequestChecks.name("name", "A"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n\r ", "\u2003"})
    void aBlankNameIsRefused(String name) {
        assertRefused("name is required", () -> RequestChecks.name("name", name));
    }

    @Test
    void aNameOfMoreThan200CharactersIsRefused() {
        assertRefused("name must be at most 200 characters, got 201", () -> RequestChecks.name("name", "x".repeat(201)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ada\u0000Lovelace", "Ada\nLovelace", "Ada\tLovelace", "Ada\u007f", "Ada\u0085", "\u009fAda"})
    void aNameWithAControlCharacterInsideIsRefused(String name) {
        assertRefused("name must not contain control characters", () -> RequestChecks.name("name", name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada@example.com", "a@b", "ada+orders@mail.example.co.uk", "\u00e9lodie@exemple.fr"})
    void anEmailIsNameAtDomain(String email) {
        assertEquals(email, RequestChecks.email(email));
        assertEquals(email, RequestChecks.email("  " + email + "\n"), "surrounding whitespace dropped");
    }

    @Test
    void anEmailOfUpTo254CharactersIsAccepted() {
        String longest = "a@" + "b".repeat(252);

        assertEquals(longest, RequestChecks.email(longest));
        assertRefused("email must be at most 254 characters, got 255", () -> RequestChecks.email(longest + "b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void aBlankEmailIsRefused(String email) {
        assertRefused("email is required", () -> RequestChecks.email(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada", "@example.com", "ada@", "ada@@example.com", "a@b@c", "ada @example.com",
                            "ada@exa mple.com", "ada@example.com\u0000", "ada\u0001@example.com", "ada@\u2003example.com"})
    void anEmailOfAnotherShapeIsRefusedQuotingIt(String email) {
        assertRefused("email must look like name@domain without spaces, got \"" + email + "\"",
                      () -> RequestChecks.email(email));
    }

    @Test
    void aSkuIsOneTokenOfUpTo64Characters() {
        assertEquals("MUG-1", RequestChecks.sku("MUG-1"));
        assertEquals("S".repeat(64), RequestChecks.sku("S".repeat(64)));
        assertRefused("sku must be at most 64 characters, got 65", () -> RequestChecks.sku("S".repeat(65)));
        assertRefused("sku is required", () -> RequestChecks.sku(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MUG 1", " MUG-1", "MUG-1 ", "MUG\t1", "MUG\u00001", "MUG\u2003", " "})
    void aSkuWithWhitespaceOrAControlCharacterIsRefused(String sku) {
        assertRefused("sku must not contain spaces or control characters", () -> RequestChecks.sku(sku));
    }

    @Test
    void aRequestIdIsOneTokenOfUpTo100Characters() {
        assertEquals("3f6c1b2e-8c1d-4f9a-9d5e-0b7f1c2d3e4f", RequestChecks.requestId("3f6c1b2e-8c1d-4f9a-9d5e-0b7f1c2d3e4f"));
        assertEquals("r".repeat(100), RequestChecks.requestId("r".repeat(100)));
        assertRefused("request_id must be at most 100 characters, got 101", () -> RequestChecks.requestId("r".repeat(101)));
        assertRefused("request_id is required", () -> RequestChecks.requestId(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"r 1", " r-1", "r-1\n", "r\u00001", "r\u007f"})
    void aRequestIdWithWhitespaceOrAControlCharacterIsRefused(String requestId) {
        assertRefused("request_id must not contain spaces or control characters", () -> RequestChecks.requestId(requestId));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 10_000_000_000L})
    void aPriceIsFromZeroTo100MillionUnits(long cents) {
        assertEquals(cents, RequestChecks.priceCents(cents));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 10_000_000_001L, Long.MIN_VALUE, Long.MAX_VALUE})
    void aPriceOutsideThatIsRefused(long cents) {
        assertRefused("price_cents must be between 0 and 10000000000, got " + cents, () -> RequestChecks.priceCents(cents));
    }

    @Test
    void stockIsNotNegative() {
        assertEquals(0, RequestChecks.stock(0));
        assertEquals(Integer.MAX_VALUE, RequestChecks.stock(Integer.MAX_VALUE));
        assertRefused("stock must not be negative, got -1", () -> RequestChecks.stock(-1));
        assertRefused("stock must not be negative, got " + Integer.MIN_VALUE, () -> RequestChecks.stock(Integer.MIN_VALUE));
    }

    @Test
    void linesUpToTheLimitWithQuantitiesAtTheirBoundsAreAccepted() {
        List<OrderLineRequest> lines = List.of(line(1, 1), line(2, 1_000_000), line(Long.MAX_VALUE, 7));

        assertSame(lines, RequestChecks.lines(lines, 3));
    }

    @Test
    void noLinesAreRefused() {
        assertRefused("lines must not be empty", () -> RequestChecks.lines(List.of(), 3));
    }

    @Test
    void moreLinesThanTheLimitAreRefused() {
        List<OrderLineRequest> four = List.of(line(1, 1), line(2, 1), line(3, 1), line(4, 1));

        assertRefused("lines must hold at most 3 lines, got 4", () -> RequestChecks.lines(four, 3));
    }

    @Test
    void aLineWithoutAProductIdIsRefusedNamingIt() {
        assertRefused("lines[1].product_id must be a positive id, got 0",
                      () -> RequestChecks.lines(List.of(line(1, 1), line(0, 1)), 3));
        assertRefused("lines[0].product_id must be a positive id, got -5",
                      () -> RequestChecks.lines(List.of(line(-5, 1)), 3));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1_000_001, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void aQuantityOutsideOneToAMillionIsRefusedNamingTheLine(int quantity) {
        assertRefused("lines[1].quantity must be between 1 and 1000000, got " + quantity,
                      () -> RequestChecks.lines(List.of(line(1, 1), line(2, quantity)), 3));
    }

    @Test
    void aProductOnTwoLinesIsRefusedNamingBoth() {
        assertRefused("lines[2].product_id 5 repeats lines[0]; put the whole quantity on one line",
                      () -> RequestChecks.lines(List.of(line(5, 1), line(6, 1), line(5, 2)), 3));
    }

    @Test
    void idsAreKeptOnceInTheOrderOfTheirFirstOccurrence() {
        assertEquals(List.of(5L, 3L, 1L), RequestChecks.ids(List.of(5L, 3L, 5L, 1L, 3L, 3L)));
        assertEquals(List.of(Long.MAX_VALUE), RequestChecks.ids(List.of(Long.MAX_VALUE)));
    }

    @Test
    void upTo100IdsAreAccepted() {
        List<Long> hundred = LongStream.rangeClosed(1, 100).boxed().toList();
        List<Long> hundredOfOne = Collections.nCopies(100, 7L);

        assertEquals(hundred, RequestChecks.ids(hundred));
        assertEquals(List.of(7L), RequestChecks.ids(hundredOfOne));
    }

    @Test
    void noIdsOrMoreThan100AreRefused() {
        List<Long> hundredAndOne = new ArrayList<>(LongStream.rangeClosed(1, 100).boxed().toList());
        hundredAndOne.add(1L);

        assertRefused("ids must not be empty", () -> RequestChecks.ids(List.of()));
        assertRefused("ids must hold at most 100 ids, got 101", () -> RequestChecks.ids(hundredAndOne),
                      "counted before duplicates are dropped");
    }

    @Test
    void anIdOfZeroOrLessAmongIdsIsRefusedNamingItsIndex() {
        assertRefused("ids[2] must be a positive id, got 0", () -> RequestChecks.ids(List.of(4L, 5L, 0L)));
        assertRefused("ids[0] must be a positive id, got -1", () -> RequestChecks.ids(List.of(-1L)));
    }

    @Test
    void aPageSizeIsUpToTheMaximumAndZeroMeansTheDefault() {
        assertEquals(1, RequestChecks.pageSize(1, 100));
        assertEquals(100, RequestChecks.pageSize(100, 100));
        assertEquals(20, RequestChecks.pageSize(0, 100));
        assertEquals(5, RequestChecks.pageSize(0, 5), "no default beyond the maximum");
    }

    @Test
    void aPageSizeOutsideThatIsRefusedSayingTheDefault() {
        assertRefused("page_size must be between 1 and 100 (0 for the default of 20), got 101",
                      () -> RequestChecks.pageSize(101, 100));
        assertRefused("page_size must be between 1 and 100 (0 for the default of 20), got -1",
                      () -> RequestChecks.pageSize(-1, 100));
        assertRefused("page_size must be between 1 and 5 (0 for the default of 5), got 6",
                      () -> RequestChecks.pageSize(6, 5));
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
    void aStatusFilterIsAnyKnownStatusUnspecifiedForAny(OrderStatus status) {
        assertSame(status, RequestChecks.statusFilter(status));
    }

    @Test
    void anUnknownStatusFilterIsRefused() {
        assertRefused("status is not a known OrderStatus value", () -> RequestChecks.statusFilter(OrderStatus.UNRECOGNIZED));
    }

    /** PENDING passes: no order can move there, which the state machine says (FAILED_PRECONDITION). */
    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"ORDER_STATUS_UNSPECIFIED", "UNRECOGNIZED"},
                mode = EnumSource.Mode.EXCLUDE)
    void aTargetStatusIsAKnownStatus(OrderStatus status) {
        assertSame(status, RequestChecks.targetStatus(status));
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"ORDER_STATUS_UNSPECIFIED", "UNRECOGNIZED"})
    void noTargetStatusOrAnUnknownOneIsRefused(OrderStatus status) {
        assertRefused("status must be one of ORDER_STATUS_PAID, ORDER_STATUS_SHIPPED, ORDER_STATUS_CANCELLED",
                      () -> RequestChecks.targetStatus(status));
    }

    private static void assertRefused(String message, Executable check) {
        assertRefused(message, check, null);
    }

    private static void assertRefused(String message, Executable check, String why) {
        InvalidArgumentException refused = assertThrows(InvalidArgumentException.class, check, why);
        assertEquals(message, refused.getMessage(), why);
    }

    private static Timestamp time(long seconds, int nanos) {
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private static OrderLineRequest line(long productId, int quantity) {
        return OrderLineRequest.newBuilder().setProductId(productId).setQuantity(quantity).build();
    }
}
