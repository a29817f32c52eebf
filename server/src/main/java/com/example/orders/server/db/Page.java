package com.example.orders.server.db;

import java.util.List;

/** One page of a keyset-paginated read; {@code hasMore} says whether a next page exists. */
public record Page<T>(List<T> items, boolean hasMore) {

    /** Reads one item more than the page holds to learn whether there is a next page. */
    static <T> Page<T> of(List<T> itemsPlusOne, int pageSize) {
        boolean hasMore = itemsPlusOne.size() > pageSize;
        return new Page<>(hasMore ? itemsPlusOne.subList(0, pageSize) : itemsPlusOne, hasMore);
    }
}
