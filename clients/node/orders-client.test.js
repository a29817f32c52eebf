// End-to-end checks of the OrderService from Node against a running server:
// ORDER_SERVICE_TARGET=127.0.0.1:8080 npm test
//
// The checks of TLS and the bearer token need a second service that wants both, and two CA
// certificates: SECURE_ORDER_SERVICE_TARGET (host:port, a name its certificate has),
// SECURE_ORDER_SERVICE_CA_FILE (the CA that signed it), SECURE_ORDER_SERVICE_TOKEN, and
// UNTRUSTED_CA_FILE (another CA); without them they are skipped, and say so. NodeClientTest sets all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { connect, fromEnvironment, status } from './orders-client.js';
import { watchEvents } from './watch.js';

const target = process.env.ORDER_SERVICE_TARGET;
if (!target) {
  throw new Error('Set ORDER_SERVICE_TARGET to the address of a running order service, e.g. 127.0.0.1:8080');
}
const secure = {
  target: process.env.SECURE_ORDER_SERVICE_TARGET,
  caFile: process.env.SECURE_ORDER_SERVICE_CA_FILE,
  token: process.env.SECURE_ORDER_SERVICE_TOKEN,
  untrustedCaFile: process.env.UNTRUSTED_CA_FILE,
};

// Emails and SKUs are unique, and the database may be reused from an earlier run.
const run = randomUUID().slice(0, 8);

describe(`OrderService at ${target}`, () => {
  const orders = connect(target);
  let customer, tea, mug, orderRequest, order;

  before(async () => {
    customer = await orders.createCustomer({ email: `ada-${run}@example.com`, name: 'Ada Lovelace' });
    tea = await orders.createProduct({ sku: `TEA-${run}`, name: 'Earl Grey', price_cents: '450', stock: 10 });
    mug = await orders.createProduct({ sku: `MUG-${run}`, name: 'Mug', price_cents: '1250', stock: 3 });
    orderRequest = {
      customer_id: customer.id,
      request_id: `order-${run}`,
      lines: [
        { product_id: tea.id, quantity: 4 },
        { product_id: mug.id, quantity: 3 },
      ],
    };
    order = await orders.createOrder(orderRequest);
  });

  after(() => orders.close());

  test('CreateCustomer returns the customer it created', () => {
    assert.match(customer.id, /^[1-9][0-9]*$/);
    assert.equal(customer.email, `ada-${run}@example.com`);
    assert.equal(customer.name, 'Ada Lovelace');
    assert.ok(Number(customer.created_at.seconds) > 0, 'created_at is set');
  });

  test('CreateProduct returns the product it created', () => {
    const { id, ...fields } = tea;
    assert.match(id, /^[1-9][0-9]*$/);
    assert.deepEqual(fields, { sku: `TEA-${run}`, name: 'Earl Grey', price_cents: '450', stock: 10 });
  });

  test('CreateOrder prices the lines and totals them', () => {
    assert.equal(order.status, 'ORDER_STATUS_PENDING');
    assert.equal(order.request_id, `order-${run}`);
    assert.deepEqual(order.customer, { id: customer.id, name: customer.name, email: customer.email });
    assert.deepEqual(order.lines, [
      {
        product_id: tea.id, sku: tea.sku, name: 'Earl Grey',
        quantity: 4, unit_price_cents: '450', line_total_cents: '1800',
      },
      {
        product_id: mug.id, sku: mug.sku, name: 'Mug',
        quantity: 3, unit_price_cents: '1250', line_total_cents: '3750',
      },
    ]);
    const total = 4n * BigInt(tea.price_cents) + 3n * BigInt(mug.price_cents);
    assert.equal(order.total_cents, String(total));
  });

  test('GetOrder returns the same order', async () => {
    assert.deepEqual(await orders.getOrder({ order_id: order.id }), order);
  });

  test('repeating a request_id returns the original order', async () => {
    const again = await orders.createOrder(orderRequest);
    assert.equal(again.id, order.id);
    assert.equal(again.total_cents, order.total_cents);
  });

  test('an order without lines is INVALID_ARGUMENT naming lines', async () => {
    await assert.rejects(
      orders.createOrder({ customer_id: customer.id, request_id: `empty-${run}`, lines: [] }),
      { code: status.INVALID_ARGUMENT, details: /lines/ },
    );
  });

  test('WatchOrderEvents replays the stored events, then follows new ones as they commit', async () => {
    const seen = [];
    for await (const event of watchEvents(orders, { afterEventId: '0', customerId: customer.id })) {
      seen.push(event);
      if (seen.length === 1) {
        await orders.updateOrderStatus({ order_id: order.id, status: 'ORDER_STATUS_PAID' });
      } else {
        break; // cancels the call
      }
    }
    assert.deepEqual(
      seen.map((event) => [event.order_id, event.sequence, event.type, event.order.status]),
      [
        [order.id, 1, 'ORDER_EVENT_TYPE_CREATED', 'ORDER_STATUS_PENDING'],
        [order.id, 2, 'ORDER_EVENT_TYPE_PAID', 'ORDER_STATUS_PAID'],
      ],
    );
    assert.ok(BigInt(seen[1].event_id) > BigInt(seen[0].event_id), 'event ids increase');
  });

  test('an unknown order is NOT_FOUND', async () => {
    // The largest int64, which only survives the trip as a string.
    await assert.rejects(orders.getOrder({ order_id: '9223372036854775807' }), { code: status.NOT_FOUND });
  });
});

test('fromEnvironment reads the variables the Java CLI reads', () => {
  assert.deepEqual(
    fromEnvironment({ ORDER_SERVICE_TARGET: 'orders:443', ORDER_SERVICE_CA_FILE: 'ca.pem', ORDER_SERVICE_TOKEN: 't' }),
    ['orders:443', { tls: false, caFile: 'ca.pem', token: 't' }],
  );
  assert.deepEqual(fromEnvironment({ ORDER_SERVICE_TLS: 'true', ORDER_SERVICE_TOKEN: ' ' }),
    ['localhost:8080', { tls: true, caFile: undefined, token: undefined }]);
  assert.throws(() => fromEnvironment({ ORDER_SERVICE_TLS: 'yes' }), /ORDER_SERVICE_TLS must be true or false, got 'yes'/);
});

describe(`OrderService with TLS and a bearer token at ${secure.target}`, {
  skip: Object.values(secure).some((value) => !value) &&
    'set SECURE_ORDER_SERVICE_TARGET, SECURE_ORDER_SERVICE_CA_FILE, SECURE_ORDER_SERVICE_TOKEN and UNTRUSTED_CA_FILE',
}, () => {
  const clients = [];
  const client = (options) => {
    const orders = connect(secure.target, options);
    clients.push(orders);
    return orders;
  };
  let customer, order;

  before(async () => {
    const orders = client({ caFile: secure.caFile, token: secure.token });
    customer = await orders.createCustomer({ email: `tls-${run}@example.com`, name: 'Tls Client' });
    const product = await orders.createProduct({ sku: `TLS-${run}`, name: 'Lock', price_cents: '900', stock: 5 });
    order = await orders.createOrder({
      customer_id: customer.id,
      request_id: `tls-order-${run}`,
      lines: [{ product_id: product.id, quantity: 1 }],
    });
  });

  after(() => clients.forEach((orders) => orders.close()));

  test('the CA and the token get calls served', async () => {
    assert.equal(customer.name, 'Tls Client');
    const orders = client({ caFile: secure.caFile, token: secure.token });
    assert.equal((await orders.getOrder({ order_id: order.id })).id, order.id);
  });

  test('without the token a call is UNAUTHENTICATED', async () => {
    await assert.rejects(client({ caFile: secure.caFile }).getOrder({ order_id: order.id }),
      { code: status.UNAUTHENTICATED, details: /missing bearer token/ });
  });

  test('a wrong token is UNAUTHENTICATED', async () => {
    await assert.rejects(client({ caFile: secure.caFile, token: 'not-the-token' }).getOrder({ order_id: order.id }),
      { code: status.UNAUTHENTICATED, details: 'invalid bearer token' });
  });

  test('a server another CA signed is UNAVAILABLE, and the error says why', async () => {
    await assert.rejects(client({ caFile: secure.untrustedCaFile, token: secure.token }).getOrder({ order_id: order.id }),
      { code: status.UNAVAILABLE, details: /certificate/ });
  });

  test('watch.js takes the CA file and the token from the environment', async () => {
    const event = await firstEventOfWatchJs({ ORDER_SERVICE_CA_FILE: secure.caFile });
    assert.deepEqual([event.order_id, event.type], [order.id, 'ORDER_EVENT_TYPE_CREATED']);
  });

  test("watch.js with ORDER_SERVICE_TLS=true trusts Node's CA certificates, with NODE_EXTRA_CA_CERTS", async () => {
    const event = await firstEventOfWatchJs({ ORDER_SERVICE_TLS: 'true', NODE_EXTRA_CA_CERTS: secure.caFile });
    assert.deepEqual([event.order_id, event.type], [order.id, 'ORDER_EVENT_TYPE_CREATED']);
  });

  /**
   * Runs `node watch.js 0 <customer>` against the secure service and reads the first event it prints.
   * Without the variables of this environment that name the CAs to trust: grpc-js trusts the file of
   * GRPC_DEFAULT_SSL_ROOTS_FILE_PATH instead of Node's CA certificates when it is set.
   */
  async function firstEventOfWatchJs(environment) {
    const inherited = (name) =>
      !name.startsWith('ORDER_SERVICE_') && name !== 'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH' && name !== 'NODE_EXTRA_CA_CERTS';
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => inherited(name)));
    const watch = spawn(process.execPath, ['watch.js', '0', customer.id], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env: { ...env, ORDER_SERVICE_TARGET: secure.target, ORDER_SERVICE_TOKEN: secure.token, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000, // it would watch again and again if it could not connect
    });
    let stderr = '';
    watch.stderr.on('data', (chunk) => { stderr += chunk; });
    const ended = new Promise((resolve) => watch.on('exit', resolve));
    try {
      for await (const line of createInterface({ input: watch.stdout })) {
        return JSON.parse(line);
      }
      throw new Error(`watch.js ended with status ${await ended} and printed nothing: ${stderr}`);
    } finally {
      watch.kill();
      await ended;
    }
  }
});
