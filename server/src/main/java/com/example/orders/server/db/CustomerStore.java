package com.example.orders.server.db;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import com.example.orders.server.error.AlreadyExistsException;
import com.example.orders.server.error.NotFoundException;
import com.example.orders.v1.Customer;

import io.helidon.dbclient.DbRow;

/** Customers: creation and the aggregate read. */
public final class CustomerStore {

    /** Writes, each in a transaction on the primary. */
    private final Writes writes;
    private final Reads reads;

    public CustomerStore(Writes writes, Reads reads) {
        this.writes = writes;
        this.reads = reads;
    }

    public Customer create(String email, String name) {
        return writes.inTransaction(tx -> {
            List<DbRow> rows = Sql.INSERT_CUSTOMER.rows(tx, Map.of("email", email, "name", name));
            if (rows.isEmpty()) {
                throw new AlreadyExistsException("a customer with email " + email + " already exists");
            }
            return toCustomer(rows.getFirst()).build();
        });
    }

    public Customer get(long id) {
        List<DbRow> rows = reads.execute(exec -> Sql.GET_CUSTOMER.rows(exec, Map.of("id", id)));
        if (rows.isEmpty()) {
            throw new NotFoundException("customer " + id + " not found");
        }
        DbRow row = rows.getFirst();
        return toCustomer(row)
                .setOrderCount(row.column("order_count").get(Long.class))
                .setLifetimeTotalCents(row.column("lifetime_total_cents").get(Long.class))
                .build();
    }

    private static Customer.Builder toCustomer(DbRow row) {
        return Customer.newBuilder()
                .setId(row.column("id").get(Long.class))
                .setEmail(row.column("email").get(String.class))
                .setName(row.column("name").get(String.class))
                .setCreatedAt(Timestamps.toProto(row.column("created_at").get(Timestamp.class)));
    }
}
