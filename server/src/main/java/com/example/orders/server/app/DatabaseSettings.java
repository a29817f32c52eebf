package com.example.orders.server.app;

/** Where the database is and how to log in. */
record DatabaseSettings(String url, String user, String password) {

    /** The URL without its query part, which may hold credentials: fit for logs. */
    String safeUrl() {
        return safe(url);
    }

    static String safe(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
