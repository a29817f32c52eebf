package com.example.orders.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.google.protobuf.Message;

/**
 * Writes the request bodies that h2load sends on every call: a GetOrder of one order and a ListOrders
 * of one customer's first page, as gRPC frames them (a 0 for "not compressed", the message's length
 * in 4 bytes big-endian, the message). The pgbench scripts {@code *-fixed.sql} read the same ids.
 *
 * <p>Usage: {@code FixedRequests DIR ORDER_ID CUSTOMER_ID}: writes DIR/get-order.bin and DIR/list-orders.bin.
 */
public final class FixedRequests {

    private FixedRequests() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Files.write(dir.resolve("get-order.bin"),
                    framed(GetOrderRequest.newBuilder().setOrderId(Long.parseLong(args[1])).build()));
        // the first page at the default page size, as the load generator asks for it
        Files.write(dir.resolve("list-orders.bin"),
                    framed(ListOrdersRequest.newBuilder().setCustomerId(Long.parseLong(args[2])).build()));
    }

    static byte[] framed(Message message) {
        byte[] bytes = message.toByteArray();
        return ByteBuffer.allocate(5 + bytes.length).put((byte) 0).putInt(bytes.length).put(bytes).array();
    }
}
