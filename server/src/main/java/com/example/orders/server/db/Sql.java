package com.example.orders.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Every SQL statement the service runs, by name. The name shows up in logs and metrics.
 *
 * <p>Parameters are named ({@code :name}) and always bound, never concatenated; each statement is
 * turned into its positional JDBC form once. Casts are written {@code CAST(x AS t)}, never
 * {@code ::t}, which would read as a parameter. No statement count depends on the size of the data:
 * lines go in and out as arrays.
 * Public so that the benchmark's plain-JDBC baseline runs exactly the same SQL.
 */
public enum Sql {

    // --- customers ---------------------------------------------------------------------------

    /** Returns no row when the email is taken. */
    INSERT_CUSTOMER("""
            INSERT INTO customers (email, name) VALUES (:email, :name)
            ON CONFLICT DO NOTHING
            RETURNING id, email, name, created_at"""),

    /** The customer with the aggregates of their orders that are not cancelled, in one pass. */
    GET_CUSTOMER("""
            SELECT c.id, c.email, c.name, c.created_at,
                   count(o.id) AS order_count,
                   CAST(coalesce(sum(o.total_cents), 0) AS bigint) AS lifetime_total_cents
            FROM customers c
            LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'CANCELLED'
            WHERE c.id = :id
            GROUP BY c.id"""),

    /** Tells an export that found nothing for a customer whether the customer exists. */
    CUSTOMER_EXISTS("""
            SELECT id FROM customers WHERE id = :id"""),

    // --- products ----------------------------------------------------------------------------

    /** Returns no row when the SKU is taken. */
    INSERT_PRODUCT("""
            INSERT INTO products (sku, name, price_cents, stock) VALUES (:sku, :name, :price_cents, :stock)
            ON CONFLICT DO NOTHING
            RETURNING id, sku, name, price_cents, stock"""),

    LIST_PRODUCTS("""
            SELECT id, sku, name, price_cents, stock
            FROM products
            WHERE id > :after_id
            ORDER BY id
            LIMIT :limit"""),

    // --- placing an order --------------------------------------------------------------------

    /**
     * Claims (customer_id, request_id) first, so that a repeated request waits here for the first
     * one to finish and then returns no row. Also returns no row for an unknown customer.
     */
    INSERT_ORDER("""
            INSERT INTO orders (customer_id, request_id, status, total_cents)
            SELECT c.id, :request_id, 'PENDING', 0 FROM customers c WHERE c.id = :customer_id
            ON CONFLICT (customer_id, request_id) DO NOTHING
            RETURNING id"""),

    /** Tells an unknown customer (no row) from a repeated request (order_id set). */
    FIND_ORDER_BY_REQUEST("""
            SELECT c.id AS customer_id, o.id AS order_id
            FROM customers c
            LEFT JOIN orders o ON o.customer_id = c.id AND o.request_id = :request_id
            WHERE c.id = :customer_id"""),

    /**
     * Locks the ordered products in ascending id order, the same order in every transaction that
     * locks several products, so that concurrent orders queue instead of deadlocking. The ids come
     * through a sub-select so that PostgreSQL sees no array's length when it plans: given the bare
     * parameter, it estimated fewer rows for each call's own plan than for the generic one, and so
     * planned the statement again at every call (70-90 µs of its CPU per CreateOrder).
     */
    LOCK_PRODUCTS("""
            SELECT id, sku, price_cents, stock
            FROM products
            WHERE id = ANY(CAST((SELECT :product_ids) AS bigint[]))
            ORDER BY id
            FOR UPDATE"""),

    /**
     * Takes the stock, writes every line at the locked price and sets the order total, in one
     * statement, and returns the order as the order reads do, so that placing an order needs no
     * statement to read it back. The stock CHECK backs up the check already made on the locked rows.
     */
    FILL_ORDER("""
            WITH wanted AS (
                SELECT w.product_id, w.quantity, w.line_no
                FROM unnest(CAST(:product_ids AS bigint[]), CAST(:quantities AS integer[]))
                     WITH ORDINALITY AS w (product_id, quantity, line_no)
            ), taken AS (
                UPDATE products p SET stock = p.stock - wanted.quantity
                FROM wanted
                WHERE p.id = wanted.product_id
                RETURNING p.id, p.sku, p.name, p.price_cents
            ), filled AS (
                UPDATE orders SET total_cents = :total_cents WHERE id = :order_id
                RETURNING *
            ), written AS (
                INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
                SELECT :order_id, wanted.line_no, wanted.product_id, wanted.quantity, taken.price_cents
                FROM wanted JOIN taken ON taken.id = wanted.product_id
                RETURNING *
            )
            """ + OrderColumns.SELECT + """
            FROM filled o
            JOIN customers c ON c.id = o.customer_id
            LEFT JOIN (written l JOIN taken p ON p.id = l.product_id) ON true
            GROUP BY o.id, o.request_id, o.status, o.total_cents, o.created_at, o.updated_at, c.id"""),

    // --- changing an order -------------------------------------------------------------------

    LOCK_ORDER("""
            SELECT id, status FROM orders WHERE id = :order_id FOR UPDATE"""),

    /** Same lock order as {@link #LOCK_PRODUCTS}, before the stock goes back. */
    LOCK_ORDER_PRODUCTS("""
            SELECT p.id
            FROM products p
            WHERE p.id IN (SELECT l.product_id FROM order_lines l WHERE l.order_id = :order_id)
            ORDER BY p.id
            FOR UPDATE"""),

    RESTOCK_ORDER("""
            UPDATE products p SET stock = p.stock + l.quantity
            FROM order_lines l
            WHERE l.order_id = :order_id AND p.id = l.product_id"""),

    SET_ORDER_STATUS("""
            UPDATE orders SET status = :status, updated_at = now() WHERE id = :order_id"""),

    // --- order events: the outbox ------------------------------------------------------------

    /**
     * Writes an order's event in the transaction of its change. No NOTIFY: PostgreSQL commits the
     * transactions that notify one at a time, holding a database-wide lock through the commit's WAL
     * flush, which halved the CreateOrders a second; the writing instance wakes its sequencer itself.
     */
    INSERT_ORDER_EVENT("""
            INSERT INTO order_events (order_id, customer_id, sequence, type, payload)
            VALUES (:order_id, :customer_id, :sequence, :type, :payload)"""),

    /**
     * One instance sequences at a time (this transaction-scoped lock, keyed by the table, so that
     * services on other schemas of the database do not wait for it), so that the positions it gives
     * never collide with another's. Taken in a statement of its own: the next statement's snapshot then
     * sees every position given before.
     */
    LOCK_EVENT_SEQUENCER("""
            SELECT pg_try_advisory_xact_lock(CAST(CAST(CAST('order_events' AS regclass) AS oid) AS bigint)) AS held"""),

    /**
     * Gives the committed events that have none the next positions, in the order of their ids (an
     * order's events are written one after the other's commit, so their ids keep their order).
     */
    SEQUENCE_EVENTS("""
            WITH todo AS (
                SELECT id, row_number() OVER (ORDER BY id) AS n
                FROM order_events WHERE position IS NULL ORDER BY id LIMIT :limit
            ), last AS (
                SELECT coalesce(max(position), 0) AS position FROM order_events
            )
            UPDATE order_events e SET position = last.position + todo.n
            FROM todo, last
            WHERE e.id = todo.id
            RETURNING e.position"""),

    /**
     * Tells the listening instances that events got their positions: the only NOTIFY, at most one
     * per sequencer run (see INSERT_ORDER_EVENT).
     */
    NOTIFY_EVENTS_SEQUENCED("""
            SELECT pg_notify('order_events', '') AS notified"""),

    /** What the instances listen to, each on a connection of its own, to hear of NOTIFY_EVENTS_SEQUENCED. */
    LISTEN_EVENTS_SEQUENCED("""
            LISTEN order_events"""),

    /** Tells the listening session apart from the pool's in pg_stat_activity: it is idle by design. */
    NAME_EVENTS_LISTENER("""
            SELECT set_config('application_name', current_setting('application_name') || ' events', false)"""),

    /**
     * The first and last positions held, 0 when none: a watch starts after the last, or checks that
     * the events after the position it resumes from are all still there.
     */
    EVENT_POSITIONS("""
            SELECT coalesce(min(position), 0) AS first, coalesce(max(position), 0) AS last FROM order_events"""),

    /** The next sequenced events after a position, for WatchOrderEvents. */
    NEXT_EVENTS("""
            SELECT position, order_id, sequence, type, occurred_at, payload
            FROM order_events
            WHERE position > :after
            ORDER BY position
            LIMIT :limit"""),

    /** The same for one customer's orders. */
    NEXT_CUSTOMER_EVENTS("""
            SELECT position, order_id, sequence, type, occurred_at, payload
            FROM order_events
            WHERE customer_id = :customer_id AND position > :after
            ORDER BY position
            LIMIT :limit"""),

    /**
     * The relay's next batch, locked for this transaction: sequenced events not published yet, only the
     * earliest unpublished of each order (so an order's events reach the broker in order, whatever other
     * relay holds the one before), skipping what another relay has locked.
     */
    CLAIM_EVENTS_TO_PUBLISH("""
            SELECT e.id, e.position, e.order_id, e.sequence, e.type, e.occurred_at, e.payload
            FROM order_events e
            WHERE e.published_at IS NULL AND e.position IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM order_events b
                              WHERE b.order_id = e.order_id AND b.published_at IS NULL AND b.sequence < e.sequence)
            ORDER BY e.position
            LIMIT :limit
            FOR UPDATE SKIP LOCKED"""),

    MARK_EVENTS_PUBLISHED("""
            UPDATE order_events SET published_at = now() WHERE id = ANY(:ids)"""),

    /**
     * Deletes the oldest events, up to :batch of them: those older than the retention that the broker
     * has, and the unpublished ones too when {@code :unpublished_too} (no broker is configured, so
     * nothing will publish them). Only ever a run of the first positions, so that the events held are
     * always every one from the first position on, and never the last one, whose position the next
     * events count on from.
     */
    PRUNE_EVENTS("""
            WITH held AS (
                SELECT min(position) AS first, max(position) AS last FROM order_events
            ), stop AS (
                SELECT coalesce(min(e.position), least(held.first + :batch, held.last)) AS position
                FROM held
                LEFT JOIN order_events e
                       ON e.position >= held.first AND e.position < least(held.first + :batch, held.last)
                      AND (e.occurred_at >= now() - make_interval(secs => :retention_seconds)
                           OR e.published_at IS NULL AND NOT :unpublished_too)
                GROUP BY held.first, held.last
            )
            DELETE FROM order_events
            WHERE position >= (SELECT first FROM held) AND position < (SELECT position FROM stop)"""),

    // --- positions in the WAL, for reads on a standby (see Standby) ------------------------------

    /**
     * The primary's WAL flushed so far, in bytes: run right after a commit has returned, it is at or
     * past the commit's record (synchronous_commit flushes it before the commit returns), so a standby
     * that has replayed up to it shows the write.
     */
    PRIMARY_POSITION("""
            SELECT CAST(pg_current_wal_flush_lsn() - CAST('0/0' AS pg_lsn) AS bigint) AS position"""),

    /**
     * How far a standby has replayed (null on a server that is not in recovery), and which server
     * incarnation says so: its replay position only grows while it runs, but one restarted may come
     * back behind what it had replayed before.
     */
    STANDBY_POSITION("""
            SELECT CAST(pg_last_wal_replay_lsn() - CAST('0/0' AS pg_lsn) AS bigint) AS replayed,
                   concat_ws(' ', inet_server_addr(), inet_server_port(), pg_postmaster_start_time()) AS server"""),

    // --- reading orders: one row per order, its lines as arrays, in one statement -------------

    GET_ORDER(OrderColumns.SELECT + """
            FROM orders o
            JOIN customers c ON c.id = o.customer_id
            LEFT JOIN (order_lines l JOIN products p ON p.id = l.product_id) ON l.order_id = o.id
            WHERE o.id = :order_id
            GROUP BY o.id, c.id"""),

    /**
     * The orders among {@code :order_ids}, as one row of arrays (see {@link OrderPage}): unknown ids are
     * left out; the arrays are null when none is known.
     */
    GET_ORDERS("""
            WITH page AS (
                SELECT o.*, c.name AS customer_name, c.email AS customer_email
                FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.id = ANY(:order_ids)
            )
            """ + OrderPage.SELECT + """
            FROM""" + OrderPage.FROM_PAGE_ORDER_BY_ID_ASC),

    /**
     * Every order matching the filters, with its lines, in ascending id order: ExportOrders reads it
     * through a cursor as the client takes the orders. {@code :customer_id} 0, {@code :status} ''
     * and a null {@code :created_after} match everything.
     */
    EXPORT_ORDERS(OrderColumns.SELECT + """
            FROM orders o
            JOIN customers c ON c.id = o.customer_id
            LEFT JOIN (order_lines l JOIN products p ON p.id = l.product_id) ON l.order_id = o.id
            WHERE (:customer_id = 0 OR o.customer_id = :customer_id)
              AND (:status = '' OR o.status = :status)
              AND (CAST(:created_after AS timestamptz) IS NULL OR o.created_at > :created_after)
            GROUP BY o.id, c.id
            ORDER BY o.id"""),

    /**
     * One page of a customer's orders, newest first, with their lines, as one row of arrays (see
     * {@link OrderPage}): no row means no such customer, null arrays an empty page.
     * {@code :after_id} is the keyset cursor, {@code :status} '' means any.
     */
    LIST_ORDERS("""
            WITH page AS (
                SELECT o.*, c.name AS customer_name, c.email AS customer_email
                FROM customers c
                JOIN orders o ON o.customer_id = c.id
                WHERE c.id = :customer_id
                  AND (:status = '' OR o.status = :status)
                  AND o.id < :after_id
                ORDER BY o.id DESC
                LIMIT :limit
            )
            """ + OrderPage.SELECT + """
            FROM customers c,""" + OrderPage.FROM_PAGE_ORDER_BY_ID_DESC + """
            WHERE c.id = :customer_id""");

    private final String text;
    private final Positional positional;

    Sql(String text) {
        this.text = text;
        this.positional = Positional.of(text);
    }

    /** The statement as written, with {@code :name} parameters. */
    public String text() {
        return text;
    }

    /** The statement for JDBC: {@code ?} in place of each {@code :name}. */
    public String jdbcText() {
        return positional.text();
    }

    /** The parameter name of each {@code ?} of {@link #jdbcText()}, in order; a name used twice is there twice. */
    public List<String> parameterNames() {
        return positional.names();
    }

    /** Runs a statement that returns rows; they are read in full before the result set closes. */
    List<DbRow> rows(DbExecute exec, Map<String, ?> params) {
        try (Stream<DbRow> rows = stream(exec, params)) {
            return rows.toList();
        }
    }

    /**
     * Runs a query whose rows are read as the stream is consumed. The stream holds the result set
     * (and, outside a transaction, the connection): close it.
     */
    Stream<DbRow> stream(DbExecute exec, Map<String, ?> params) {
        return exec.createNamedQuery(name(), jdbcText()).params(values(params)).execute();
    }

    /** Runs a statement that returns no rows, giving the number of rows it changed. */
    long update(DbExecute exec, Map<String, ?> params) {
        return exec.createNamedDmlStatement(name(), jdbcText()).params(values(params)).execute();
    }

    /**
     * The value of each {@code ?}, in order. The statements go to DbClient with positional
     * parameters because it parses named ones again on every execution.
     */
    private List<Object> values(Map<String, ?> params) {
        List<Object> values = new ArrayList<>(positional.names().size()); // not List.of: values may be null
        for (String name : positional.names()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException(name() + " has no value for :" + name);
            }
            values.add(params.get(name));
        }
        return values;
    }

    private record Positional(String text, List<String> names) {

        /** A colon and a name, never the second colon of a {@code ::} cast (written CAST here anyway). */
        private static final Pattern PARAMETER = Pattern.compile("(?<!:):([a-z_]+)");

        static Positional of(String named) {
            List<String> names = new ArrayList<>();
            Matcher matcher = PARAMETER.matcher(named);
            StringBuilder text = new StringBuilder();
            while (matcher.find()) {
                names.add(matcher.group(1));
                matcher.appendReplacement(text, "?");
            }
            matcher.appendTail(text);
            return new Positional(text.toString(), List.copyOf(names));
        }
    }

    /**
     * Reads of many orders return one row: DbClient makes each row a DbRow anew, with every column's
     * metadata, so that a page of 20 orders as 20 rows cost about as much again as its SQL. Each order
     * field is an array in page order, and the lines of all the orders flat arrays in page order and
     * then line order, {@code line_order_ids} telling whose each line is. The query defines
     * {@code page}: the orders with customer_name and customer_email.
     */
    private static final class OrderPage {
        static final String SELECT = """
                SELECT o.ids, o.request_ids, o.statuses, o.totals_cents, o.created_ats, o.updated_ats,
                       o.customer_ids, o.customer_names, o.customer_emails,
                       l.line_order_ids, l.product_ids, l.skus, l.product_names, l.quantities, l.unit_prices_cents
                """;
        static final String FROM_PAGE_ORDER_BY_ID_DESC = columns("DESC");
        static final String FROM_PAGE_ORDER_BY_ID_ASC = columns("ASC");

        private static String columns(String direction) {
            return """

                     LATERAL (SELECT array_agg(page.id ORDER BY page.id %1$s) AS ids,
                                     array_agg(page.request_id ORDER BY page.id %1$s) AS request_ids,
                                     array_agg(page.status ORDER BY page.id %1$s) AS statuses,
                                     array_agg(page.total_cents ORDER BY page.id %1$s) AS totals_cents,
                                     array_agg(page.created_at ORDER BY page.id %1$s) AS created_ats,
                                     array_agg(page.updated_at ORDER BY page.id %1$s) AS updated_ats,
                                     array_agg(page.customer_id ORDER BY page.id %1$s) AS customer_ids,
                                     array_agg(page.customer_name ORDER BY page.id %1$s) AS customer_names,
                                     array_agg(page.customer_email ORDER BY page.id %1$s) AS customer_emails
                              FROM page) o,
                     LATERAL (SELECT array_agg(l.order_id ORDER BY l.order_id %1$s, l.line_no) AS line_order_ids,
                                     array_agg(l.product_id ORDER BY l.order_id %1$s, l.line_no) AS product_ids,
                                     array_agg(p.sku ORDER BY l.order_id %1$s, l.line_no) AS skus,
                                     array_agg(p.name ORDER BY l.order_id %1$s, l.line_no) AS product_names,
                                     array_agg(l.quantity ORDER BY l.order_id %1$s, l.line_no) AS quantities,
                                     array_agg(l.unit_price_cents ORDER BY l.order_id %1$s, l.line_no)
                                         AS unit_prices_cents
                              FROM page JOIN order_lines l ON l.order_id = page.id
                              JOIN products p ON p.id = l.product_id) l
                    """.formatted(direction);
        }
    }

    /**
     * The columns {@link OrderRows} reads, shared by the order reads: grouped by order, so that the
     * order and customer travel once and each line's fields come as arrays in line order (null for
     * an order without lines).
     */
    private static final class OrderColumns {
        static final String SELECT = """
                SELECT o.id, o.request_id, o.status, o.total_cents, o.created_at, o.updated_at,
                       c.id AS customer_id, c.name AS customer_name, c.email AS customer_email,
                       array_agg(l.product_id ORDER BY l.line_no) FILTER (WHERE l.line_no IS NOT NULL) AS product_ids,
                       array_agg(p.sku ORDER BY l.line_no) FILTER (WHERE l.line_no IS NOT NULL) AS skus,
                       array_agg(p.name ORDER BY l.line_no) FILTER (WHERE l.line_no IS NOT NULL) AS product_names,
                       array_agg(l.quantity ORDER BY l.line_no) FILTER (WHERE l.line_no IS NOT NULL) AS quantities,
                       array_agg(l.unit_price_cents ORDER BY l.line_no) FILTER (WHERE l.line_no IS NOT NULL)
                           AS unit_prices_cents
                """;
    }
}
