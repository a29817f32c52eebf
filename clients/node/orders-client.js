import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

// The .proto the server is built from, not a copy, so this client cannot drift from the API.
const PROTO_ROOT = fileURLToPath(new URL('../../proto/src/main/proto/', import.meta.url));

const definition = protoLoader.loadSync('orders/v1/order_service.proto', {
  includeDirs: [PROTO_ROOT],
  keepCase: true, // field names as in the .proto and grpcurl: customer_id, total_cents
  longs: String, // int64 ids and cents as decimal strings: a JS number is exact only up to 2^53
  enums: String, // 'ORDER_STATUS_PENDING' rather than 1
  defaults: true, // zero values (order_count 0, stock 0) are present instead of missing
});
const { OrderService } = grpc.loadPackageDefinition(definition).orders.v1;

export const { status } = grpc;

/**
 * The retry policy every client of the service should use (docs/api.md, Retries): UNAVAILABLE (the
 * database is down or failing over, the server is stopping) is retried up to 5 attempts in all, after
 * random pauses growing from 0.1 s to 1 s, within the call's deadline. No retry writes twice:
 * CreateOrder is idempotent by request_id, and the other writes are guarded by a unique key or a
 * state change.
 */
export const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [{ service: 'orders.v1.OrderService' }],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: '0.1s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ],
};

/**
 * An OrderService client for `target` (host:port, plaintext) whose RPCs are named in camelCase. A
 * unary RPC returns a promise, `await orders.createCustomer({ email, name })`, that rejects with the
 * gRPC error (`code`, `details`), after the retries of SERVICE_CONFIG, and carries a deadline. A
 * streaming one (ExportOrders, WatchOrderEvents) returns the call, a stream to read with
 * `for await`, which throws the error; `call.cancel()` ends it. Call `close()` when done, or the
 * process stays alive.
 */
export function connect(target, { deadlineMs = 10_000 } = {}) {
  const client = new OrderService(target, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
  });
  const orders = { close: () => client.close() };
  for (const [name, { originalName, responseStream }] of Object.entries(OrderService.service)) {
    // A stream lasts as long as there is something to send: no deadline.
    orders[originalName] = responseStream
      ? (request) => client[name](request)
      : (request) =>
          new Promise((resolve, reject) => {
            client[name](request, { deadline: Date.now() + deadlineMs }, (error, response) =>
              error ? reject(error) : resolve(response),
            );
          });
  }
  return orders;
}
