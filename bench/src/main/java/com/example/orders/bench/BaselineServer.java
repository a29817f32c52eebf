package com.example.orders.bench;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/**
 * The benchmark's baseline: the server a user would write instead of the service, plain grpc-java
 * on Netty with its default executor, HikariCP and JDBC. Same environment variables as the service
 * (DB_URL, DB_USER, DB_PASSWORD, SERVER_PORT) and the same pool size.
 */
public final class BaselineServer {

    /** The service's {@code db.pool.maximumPoolSize} in application.yaml. */
    static final int POOL_SIZE = 10;

    private BaselineServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Objects.requireNonNull(System.getenv("DB_URL"), "set DB_URL"));
        config.setUsername(Objects.requireNonNullElse(System.getenv("DB_USER"), "postgres"));
        config.setPassword(Objects.requireNonNullElse(System.getenv("DB_PASSWORD"), ""));
        config.setMaximumPoolSize(POOL_SIZE);
        config.setPoolName("baseline");
        HikariDataSource pool = new HikariDataSource(config);

        int port = Integer.parseInt(Objects.requireNonNullElse(System.getenv("SERVER_PORT"), "8090"));
        Server server = NettyServerBuilder.forPort(port)
                .addService(new BaselineOrderService(pool))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.close();
        }, "shutdown"));
        System.out.println("Baseline gRPC server listening on port " + server.getPort());
        server.awaitTermination();
    }
}
