// End-to-end checks of the OrderService from Node against a running server:
// ORDER_SERVICE_TARGET=127.0.0.1:8080 npm test
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, status } from './orders-client.js';
import { watchEvents } from './watch.js';

const target = process.env.ORDER_SERVICE_TARGET;
if (!target) {
  throw new Error('Set ORDER_SERVICE_TARGET to the address of a running order service, e.g. 127.0.0.1:8080');
}

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
