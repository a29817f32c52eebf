package com.example.orders.server.db;

import java.sql.Timestamp;

/** timestamptz columns to protobuf timestamps. */
final class Timestamps {

    private Timestamps() {
    }

    static com.google.protobuf.Timestamp toProto(Timestamp timestamp) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(timestamp.getTime(), 1000L))
                .setNanos(timestamp.getNanos())
                .build();
    }
}
