"""Prints order events as they commit, one JSON object per line, and follows until Ctrl-C:

    ORDER_SERVICE_TARGET=localhost:8080 /usr/bin/python3 watch.py [--after-event-id N] [--customer-id C]

With --after-event-id (0 for every stored event) it replays the events after it first. When the
server goes away it watches again after the last event it printed: nothing missed, nothing twice.
--target, --tls, --ca-file and --token stand in for the environment's ORDER_SERVICE_* variables.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator

import grpc
from google.protobuf import json_format

from orders.v1.order_service_pb2 import OrderEvent, WatchOrderEventsRequest
from orders_client import OrdersClient, connect


def watch_events(
    orders: OrdersClient, *, after_event_id: int | None = None, customer_id: int = 0, pause: float = 1.0
) -> Iterator[OrderEvent]:
    """The events after `after_event_id` (None: from now on), of one customer's orders or (0) of all,
    without end. When the call fails with UNAVAILABLE (the server stopped, the connection broke) it
    watches again, `pause` seconds later, after the last event yielded. Closing the generator (as
    leaving a for loop over it does) cancels the call."""
    after = after_event_id
    while True:
        request = WatchOrderEventsRequest(customer_id=customer_id, after_event_id=after)
        call = orders.WatchOrderEvents(request)
        try:
            for event in call:
                after = event.event_id
                yield event
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE:
                raise
            resume = "for new events" if after is None else f"after event {after}"
            print(f"watch interrupted ({error.details()}), watching again {resume}", file=sys.stderr)
            time.sleep(pause)
        finally:
            call.cancel()


def to_json(event: OrderEvent) -> str:
    """One line of proto3 JSON, zero values included, as the Java CLI's watch-events prints it."""
    fields = json_format.MessageToDict(event, including_default_value_fields=True)
    return json.dumps(fields, separators=(",", ":"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Prints order events as they commit, one JSON object per line.")
    parser.add_argument("--after-event-id", type=int, help="replay the stored events after this one (0: all) first")
    parser.add_argument("--customer-id", type=int, default=0, help="only this customer's orders (0: all)")
    parser.add_argument("--target", help="host:port (default: $ORDER_SERVICE_TARGET, else localhost:8080)")
    parser.add_argument("--tls", action="store_true", default=None, help="TLS (default: $ORDER_SERVICE_TLS)")
    parser.add_argument("--ca-file", help="trust only these CA certificates, PEM (implies --tls)")
    parser.add_argument("--token", help="bearer token (default: $ORDER_SERVICE_TOKEN)")
    args = parser.parse_args(argv)
    with connect(args.target, tls=args.tls, ca_file=args.ca_file, token=args.token) as orders:
        try:
            for event in watch_events(orders, after_event_id=args.after_event_id, customer_id=args.customer_id):
                print(to_json(event), flush=True)
        except grpc.RpcError as error:
            print(f"ERROR {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
