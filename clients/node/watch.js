// Prints order events as they commit, one JSON object per line, and follows until Ctrl-C:
//
//   ORDER_SERVICE_TARGET=localhost:8080 node watch.js [after_event_id] [customer_id]
//
// With an after_event_id (0 for every stored event) it replays the events after it first. When the
// server goes away it watches again after the last event it printed: nothing missed, nothing twice.
// ORDER_SERVICE_TLS=true or ORDER_SERVICE_CA_FILE=ca.pem, and ORDER_SERVICE_TOKEN, reach a service
// with TLS and a bearer token (fromEnvironment in orders-client.js).
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connect, fromEnvironment, status } from './orders-client.js';

/**
 * The events after `afterEventId` (undefined: from now on), of one customer's orders or ('0') of all,
 * without end, resuming after the last one yielded when the call fails with UNAVAILABLE. Breaking
 * out of the loop that reads them cancels the call.
 */
export async function* watchEvents(orders, { afterEventId, customerId = '0' } = {}) {
  let after = afterEventId;
  for (;;) {
    const call = orders.watchOrderEvents({
      customer_id: customerId,
      ...(after === undefined ? {} : { after_event_id: after }),
    });
    try {
      for await (const event of call) {
        after = event.event_id;
        yield event;
      }
    } catch (error) {
      if (error.code !== status.UNAVAILABLE) {
        throw error;
      }
      console.error(`watch interrupted (${error.details}), watching again after event ${after ?? 'none'}`);
      await sleep(1000);
    } finally {
      call.cancel();
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const orders = connect(...fromEnvironment());
  const [afterEventId, customerId] = process.argv.slice(2);
  for await (const event of watchEvents(orders, { afterEventId, customerId })) {
    console.log(JSON.stringify(event));
  }
}
