package com.example.orders.client;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.OrderLineRequest;
import com.google.protobuf.Message;

/**
 * The requests the load generator sends: which RPC, and ids drawn at random from the ranges the
 * seed command fills (its ids are dense from 1: customers 1..customers, and so on).
 *
 * @param lines products per created order, each a distinct product with quantity 1, so that the
 *              seeded stock (10^9 per product) never runs out
 */
record Workload(Rpc rpc, long customers, long products, long orders, int lines) {

    /** The RPC mix: one RPC, or {@link #MIXED}. */
    enum Rpc {
        GET_ORDER("get-order"),
        CREATE_ORDER("create-order"),
        LIST_ORDERS("list-orders"),
        /** 80% reads, 20% writes: 70% get-order, 10% list-orders, 20% create-order. */
        MIXED("mixed");

        final String cliName;

        Rpc(String cliName) {
            this.cliName = cliName;
        }

        static Rpc fromCliName(String name) {
            return Arrays.stream(values())
                    .filter(rpc -> rpc.cliName.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new UsageException(
                            "--rpc must be get-order, create-order, list-orders or mixed, got '" + name + "'"));
        }
    }

    Workload {
        if (customers < 1 || products < 1 || orders < 1) {
            throw new UsageException("--customers, --products and --orders must be at least 1");
        }
        if (lines < 1 || lines > 100 || lines > products) {
            throw new UsageException("--lines must be between 1 and 100 and at most --products, got " + lines);
        }
    }

    Message next(RandomGenerator random) {
        return switch (rpc) {
            case GET_ORDER -> getOrder(random);
            case CREATE_ORDER -> createOrder(random);
            case LIST_ORDERS -> listOrders(random);
            case MIXED -> {
                int dice = random.nextInt(100);
                yield dice < 70 ? getOrder(random) : dice < 80 ? listOrders(random) : createOrder(random);
            }
        };
    }

    private GetOrderRequest getOrder(RandomGenerator random) {
        return GetOrderRequest.newBuilder().setOrderId(random.nextLong(1, orders + 1)).build();
    }

    /** The first page at the server's default page size, as a screen listing the orders would ask. */
    private ListOrdersRequest listOrders(RandomGenerator random) {
        return ListOrdersRequest.newBuilder().setCustomerId(random.nextLong(1, customers + 1)).build();
    }

    /** A fresh request id per call: 128 random bits, so no call is taken for a retry of another. */
    private CreateOrderRequest createOrder(RandomGenerator random) {
        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                .setCustomerId(random.nextLong(1, customers + 1))
                .setRequestId("load-" + HexFormat.of().toHexDigits(random.nextLong())
                        + HexFormat.of().toHexDigits(random.nextLong()));
        random.longs(1, products + 1)
                .distinct()
                .limit(lines)
                .forEach(productId -> request.addLines(
                        OrderLineRequest.newBuilder().setProductId(productId).setQuantity(1)));
        return request.build();
    }
}
