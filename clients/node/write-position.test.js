// What the client sends back of the write positions it is given (orders-min-lsn), against a
// stand-in OrderService on a loopback port: no order service needed. node --test write-position.test.js
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { OrderService, WRITE_POSITION_HEADER, connect, parseWritePosition } from './orders-client.js';

const LARGEST = '18446744073709551615'; // 2^64 - 1

/**
 * Answers CreateOrder, GetOrder and ExportOrders with an empty order, the next of `replies` (none
 * once they have run out) in its response headers, and records in `sent` the position each call
 * brought ('-' for none).
 */
class StandIn {
  replies = [];
  sent = [];
  server = new grpc.Server();

  async start() {
    const answer = (call) => {
      const values = call.metadata.get(WRITE_POSITION_HEADER);
      this.sent.push(values.length === 0 ? '-' : values.join(','));
      const headers = new grpc.Metadata();
      const reply = this.replies.shift();
      if (reply !== undefined) {
        headers.set(WRITE_POSITION_HEADER, reply);
      }
      call.sendMetadata(headers);
    };
    const unary = (call, callback) => {
      answer(call);
      callback(null, {});
    };
    this.server.addService(OrderService.service, {
      createOrder: unary,
      getOrder: unary,
      exportOrders: (call) => {
        answer(call);
        call.write({});
        call.end();
      },
    });
    const port = await new Promise((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return `127.0.0.1:${port}`;
  }
}

describe('the write position (orders-min-lsn)', () => {
  const standIn = new StandIn();
  let target;
  const clients = [];
  const client = () => {
    const orders = connect(target);
    clients.push(orders);
    return orders;
  };
  const createOrders = async (orders, count) => {
    for (let i = 0; i < count; i++) {
      await orders.createOrder({});
    }
  };

  before(async () => {
    target = await standIn.start();
  });

  beforeEach(() => {
    standIn.replies.length = 0;
    standIn.sent.length = 0;
  });

  after(() => {
    clients.forEach((orders) => orders.close());
    standIn.server.forceShutdown();
  });

  test('is not sent before one has come', async () => {
    const orders = client();
    await orders.getOrder({});
    await orders.getOrder({});
    assert.deepEqual(standIn.sent, ['-', '-']);
  });

  test('the furthest one goes with every call after it', async () => {
    standIn.replies.push('100', '5', '0100', '101');
    await createOrders(client(), 5);
    assert.deepEqual(standIn.sent, ['-', '100', '100', '100', '101']);
  });

  test('positions are compared as unsigned 64-bit numbers', async () => {
    standIn.replies.push('9223372036854775807', LARGEST, '9223372036854775808', '200');
    await createOrders(client(), 5);
    assert.deepEqual(standIn.sent, ['-', '9223372036854775807', LARGEST, LARGEST, LARGEST]);
  });

  test('values that are no position are ignored', async () => {
    standIn.replies.push('7', '18446744073709551616', '-1', '+9', '9a', '0x10', '', '1e3');
    await createOrders(client(), 9);
    assert.deepEqual(standIn.sent, ['-', ...Array(8).fill('7')]);
  });

  test('streaming calls carry it too', async () => {
    standIn.replies.push('42');
    const orders = client();
    await orders.createOrder({});
    for await (const order of orders.exportOrders({})) {
      assert.ok(order);
    }
    assert.deepEqual(standIn.sent, ['-', '42']);
  });

  test('each client keeps its own', async () => {
    standIn.replies.push('64');
    await client().createOrder({});
    await client().getOrder({});
    assert.deepEqual(standIn.sent, ['-', '-']);
  });

  test('parseWritePosition takes unsigned decimals up to 2^64-1 only', () => {
    assert.equal(parseWritePosition('0'), 0n);
    assert.equal(parseWritePosition('007'), 7n);
    assert.equal(parseWritePosition(LARGEST), 2n ** 64n - 1n);
    for (const bad of ['', '+1', '-1', ' 1', '1 ', '18446744073709551616', '0x1', '1.0', undefined]) {
      assert.equal(parseWritePosition(bad), undefined, `'${bad}'`);
    }
  });
});
