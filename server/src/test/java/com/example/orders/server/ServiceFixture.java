package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real service per test class: its own schema in the test database, the server on a free
 * loopback port, and a plaintext gRPC channel to it. Register it with {@code @RegisterExtension}.
 */
public final class ServiceFixture implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicLong UNIQUE = new AtomicLong();

    private final Map<String, String> config;
    private String schema;
    private OrderServer server;
    private ManagedChannel channel;

    public ServiceFixture() {
        this(Map.of());
    }

    /** A server with these configuration keys set on top of application.yaml. */
    public ServiceFixture(Map<String, String> config) {
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        schema = "test_" + context.getRequiredTestClass().getSimpleName().toLowerCase()
                + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        execute("CREATE SCHEMA " + schema);
        TestDatabase database = TestDatabase.get();
        Map<String, String> settings = new HashMap<>(config);
        // Its sessions told apart from those of other test runs on the same database.
        settings.putIfAbsent("db.pool.dataSource.ApplicationName", applicationName());
        settings.put("db.url", schemaUrl());
        settings.put("db.user", database.user());
        settings.put("db.password", database.password());
        server = startServer(settings);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** Starts a server on a free loopback port with application.yaml under {@code overrides}. */
    static OrderServer startServer(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("server.port", "0");
        settings.put("server.host", "127.0.0.1");
        return OrderServer.start(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(settings), ConfigSources.classpath("application.yaml"))
                .build());
    }

    public OrderServiceBlockingStub stub() {
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public OrderServer server() {
        return server;
    }

    /** This class's schema in the test database, e.g. for a server of its own. */
    public String schema() {
        return schema;
    }

    /** The JDBC URL of this class's schema. */
    public String schemaUrl() {
        return TestDatabase.get().urlWithSchema(schema);
    }

    // --- test data through the API ----------------------------------------------------------

    public Customer customer() {
        long n = UNIQUE.incrementAndGet();
        return stub().createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail("customer" + n + "-" + schema + "@example.com")
                .setName("Customer " + n)
                .build());
    }

    public Product product(long priceCents, int stock) {
        long n = UNIQUE.incrementAndGet();
        return stub().createProduct(CreateProductRequest.newBuilder()
                .setSku("SKU-" + n)
                .setName("Product " + n)
                .setPriceCents(priceCents)
                .setStock(stock)
                .build());
    }

    public Order order(Customer customer, Product... products) {
        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId(UUID.randomUUID().toString());
        for (Product product : products) {
            request.addLines(line(product.getId(), 1));
        }
        return stub().createOrder(request.build());
    }

    public static OrderLineRequest line(long productId, int quantity) {
        return OrderLineRequest.newBuilder().setProductId(productId).setQuantity(quantity).build();
    }

    // --- direct checks of the database ------------------------------------------------------

    /** The single number {@code sql} returns, read in this class's schema. */
    public long queryLong(String sql) throws SQLException {
        try (Connection connection = connectToSchema();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    public void update(String sql) throws SQLException {
        try (Connection connection = connectToSchema(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    /** The application name this class's server gives its sessions: order-service and its schema. */
    public String applicationName() {
        return "order-service " + schema;
    }

    /**
     * Waits up to 5 s until exactly {@code expected} sessions of this class's server (its
     * {@link #applicationName()}) are in the state {@code condition} (SQL on pg_stat_activity) and
     * fails if not.
     */
    public void awaitServiceSessions(String condition, long expected) throws SQLException, InterruptedException {
        awaitServiceSessions(condition, expected, Duration.ofSeconds(5));
    }

    /** The same, within {@code timeout}. */
    public void awaitServiceSessions(String condition, long expected, Duration timeout)
            throws SQLException, InterruptedException {
        awaitSessions(applicationName(), condition, expected, timeout);
    }

    /** The same for the sessions of another application name, e.g. a server process of a test's own. */
    public void awaitSessions(String applicationName, String condition, long expected)
            throws SQLException, InterruptedException {
        awaitSessions(applicationName, condition, expected, Duration.ofSeconds(5));
    }

    private void awaitSessions(String applicationName, String condition, long expected, Duration timeout)
            throws SQLException, InterruptedException {
        String count = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName
                       + "' AND (" + condition + ")";
        long deadline = System.nanoTime() + timeout.toNanos();
        long sessions = queryLong(count);
        while (sessions != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            sessions = queryLong(count);
        }
        assertEquals(expected, sessions, () -> "sessions of " + applicationName + " where " + condition + " after " + timeout);
    }

    /** A plain JDBC connection to this class's schema, for checks and for setting up conflicts. */
    public Connection connectToSchema() throws SQLException {
        Connection connection = TestDatabase.get().connect();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + schema);
        }
        return connection;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = TestDatabase.get().connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
