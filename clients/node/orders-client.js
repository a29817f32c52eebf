import { readFileSync } from 'node:fs';
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
/** The service's definition: `OrderService.service` is what a grpc-js server implements. */
export const { OrderService } = grpc.loadPackageDefinition(definition).orders.v1;

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
 * An OrderService client for `target` (host:port) whose RPCs are named in camelCase. A unary RPC
 * returns a promise, `await orders.createCustomer({ email, name })`, that rejects with the gRPC error
 * (`code`, `details`), after the retries of SERVICE_CONFIG, and carries a deadline. A streaming one
 * (ExportOrders, WatchOrderEvents) returns the call, a stream to read with `for await`, which throws
 * the error; `call.cancel()` ends it. Call `close()` when done, or the process stays alive.
 *
 * Plaintext unless `tls` (the server's certificate is verified against Node's CA certificates, to
 * which NODE_EXTRA_CA_CERTS adds) or `caFile` (verified against that CA's PEM certificate instead).
 * A `token` goes on every call as `authorization: Bearer <token>`. Every call carries the furthest
 * write position the service has reported to this client (WRITE_POSITION_HEADER), so that no standby
 * serves it a read without its writes. `fromEnvironment()` gives the target and these options from
 * the ORDER_SERVICE_* variables.
 */
export function connect(target, { deadlineMs = 10_000, tls = false, caFile, token } = {}) {
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new Error('token must be printable ASCII without spaces');
  }
  const credentials = tls || caFile
    ? grpc.credentials.createSsl(caFile ? readFileSync(caFile) : null)
    : grpc.credentials.createInsecure();
  // An interceptor rather than call credentials, which grpc-js refuses on a plaintext channel.
  const interceptors = [keepWritePosition()];
  if (token !== undefined) {
    interceptors.push(addHeader('authorization', `Bearer ${token}`));
  }
  const client = new OrderService(target, credentials, {
    'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
    interceptors,
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

/**
 * The target and the options of connect() that the environment names, as the Java CLI reads them:
 * ORDER_SERVICE_TARGET (else localhost:8080), ORDER_SERVICE_TLS (true or false),
 * ORDER_SERVICE_CA_FILE and ORDER_SERVICE_TOKEN; a blank variable counts as unset.
 * `connect(...fromEnvironment())`.
 */
export function fromEnvironment(env = process.env) {
  const variable = (name) => env[name]?.trim() || undefined;
  const tls = variable('ORDER_SERVICE_TLS') ?? 'false';
  if (tls !== 'true' && tls !== 'false') {
    throw new Error(`ORDER_SERVICE_TLS must be true or false, got '${tls}'`);
  }
  return [
    variable('ORDER_SERVICE_TARGET') ?? 'localhost:8080',
    { tls: tls === 'true', caFile: variable('ORDER_SERVICE_CA_FILE'), token: variable('ORDER_SERVICE_TOKEN') },
  ];
}

/**
 * The header in which the service reports the position in the database's write-ahead log of a
 * write it has made (an unsigned 64-bit decimal), and in which a client sends back the furthest it
 * has been given (docs/api.md, Read-your-writes across instances).
 */
export const WRITE_POSITION_HEADER = 'orders-min-lsn';

const LARGEST_POSITION = 2n ** 64n - 1n;

/** The position `value` holds as a BigInt, or undefined when it is no unsigned 64-bit decimal. */
export function parseWritePosition(value) {
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
    return undefined;
  }
  const position = BigInt(value);
  return position <= LARGEST_POSITION ? position : undefined;
}

/**
 * Keeps the furthest write position of the response headers of this client's calls, and sends it on
 * every call after it, unary or streaming; none before one has come.
 */
function keepWritePosition() {
  let furthest; // a BigInt once the service has reported a position
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (furthest !== undefined) {
          metadata.set(WRITE_POSITION_HEADER, String(furthest));
        }
        next(metadata, {
          onReceiveMetadata(headers, nextListener) {
            for (const value of headers.get(WRITE_POSITION_HEADER)) {
              const position = parseWritePosition(value);
              if (position !== undefined && (furthest === undefined || position > furthest)) {
                furthest = position;
              }
            }
            nextListener(headers);
          },
        });
      },
    });
}

function addHeader(name, value) {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(name, value);
        next(metadata, listener);
      },
    });
}
