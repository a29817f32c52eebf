package com.example.orders.server.db;

import java.util.List;
import java.util.Map;

import com.example.orders.server.error.AlreadyExistsException;
import com.example.orders.v1.Product;

import io.helidon.dbclient.DbRow;

/** Products: creation and the catalogue listing. */
public final class ProductStore {

    /** Writes, each in a transaction on the primary. */
    private final Writes writes;
    private final Reads reads;

    public ProductStore(Writes writes, Reads reads) {
        this.writes = writes;
        this.reads = reads;
    }

    public Product create(String sku, String name, long priceCents, int stock) {
        return writes.inTransaction(tx -> {
            List<DbRow> rows = Sql.INSERT_PRODUCT.rows(tx, Map.of(
                    "sku", sku, "name", name, "price_cents", priceCents, "stock", stock));
            if (rows.isEmpty()) {
                throw new AlreadyExistsException("a product with sku " + sku + " already exists");
            }
            return toProduct(rows.getFirst());
        });
    }

    /** Products with an id above {@code afterId}, ascending. */
    public Page<Product> list(long afterId, int pageSize) {
        List<DbRow> rows = reads.execute(exec -> Sql.LIST_PRODUCTS.rows(exec, Map.of("after_id", afterId, "limit", pageSize + 1)));
        return Page.of(rows.stream().map(ProductStore::toProduct).toList(), pageSize);
    }

    private static Product toProduct(DbRow row) {
        return Product.newBuilder()
                .setId(row.column("id").get(Long.class))
                .setSku(row.column("sku").get(String.class))
                .setName(row.column("name").get(String.class))
                .setPriceCents(row.column("price_cents").get(Long.class))
                .setStock(row.column("stock").get(Integer.class))
                .build();
    }
}
