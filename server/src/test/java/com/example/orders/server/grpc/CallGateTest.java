package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate's count, with calls as the transport gives them to it (a recording ServerCall) and a
 * service behind it that records what reaches it.
 */
class CallGateTest {

    private static final MethodDescriptor<?, ?> GET_ORDER = OrderServiceGrpc.getGetOrderMethod();
    private static final MethodDescriptor<?, ?> WATCH = OrderServiceGrpc.getWatchOrderEventsMethod();
    private static final Set<String> WATCH_METHODS = Set.of(WATCH.getFullMethodName());

    private CallGate gate = new CallGate(2, WATCH_METHODS);

    @Test
    void aCallTakesASlotOnceItsRequestHasComeAndGivesItBackWhenItIsAnswered() {
        Call call = Call.open(gate, GET_ORDER);
        assertEquals(0, gate.inFlight(), "no request yet");

        call.requestArrives();
        assertEquals(1, gate.inFlight());
        assertEquals(List.of("halfClose"), call.service.heard);

        call.service.answer(Status.OK);
        assertEquals(0, gate.inFlight());
        assertEquals(List.of(Status.Code.OK), call.closeCodes());
    }

    @Test
    void callsBeyondTheLimitAreRefusedWithResourceExhausted() {
        Call first = Call.open(gate, GET_ORDER);
        Call second = Call.open(gate, GET_ORDER);
        Call third = Call.open(gate, GET_ORDER);
        first.requestArrives();
        second.requestArrives();

        third.requestArrives();

        assertEquals(List.of(Status.Code.RESOURCE_EXHAUSTED), third.closeCodes());
        assertEquals("more than 2 calls in flight, retry later", third.closes.getFirst().getDescription());
        assertEquals(List.of(), third.service.heard, "the service never hears of it");
        assertEquals(2, gate.inFlight());
        third.end("complete");
        assertEquals(2, gate.inFlight(), "a refused call gives back no slot");

        first.service.answer(Status.OK);
        Call fourth = Call.open(gate, GET_ORDER);
        fourth.requestArrives();
        assertEquals(List.of("halfClose"), fourth.service.heard, "the slot freed is taken again");
        assertEquals(List.of(), fourth.closes);
        assertEquals(2, gate.inFlight());
    }

    @Test
    void watchesAreNeitherCountedNorWrapped() {
        gate = new CallGate(1, WATCH_METHODS);
        Call unary = Call.open(gate, GET_ORDER);
        unary.requestArrives();

        Call watch = Call.open(gate, WATCH);
        watch.requestArrives();

        assertSame(watch, watch.service.started, "the service has the transport's own call");
        assertSame(watch.service.listener, watch.listener);
        assertEquals(List.of("halfClose"), watch.service.heard);
        assertEquals(1, gate.inFlight());
        watch.service.answer(Status.CANCELLED);
        assertEquals(1, gate.inFlight());
    }

    @Test
    void whileDrainingNewCallsAndWatchesAreRefusedWithUnavailable() throws InterruptedException {
        assertTrue(gate.drain(Duration.ZERO), "nothing in flight");

        for (MethodDescriptor<?, ?> method : List.of(GET_ORDER, WATCH)) {
            Call call = Call.open(gate, method);
            assertEquals(List.of(Status.Code.UNAVAILABLE), call.closeCodes());
            assertEquals("the server is shutting down, retry", call.closes.getFirst().getDescription());
            assertNull(call.service.started, "the service never hears of it");
            call.requestArrives();
            assertEquals(1, call.closes.size());
        }
        assertEquals(0, gate.inFlight());
    }

    @Test
    void aCallStartedBeforeTheDrainWhoseRequestComesAfterIsRefused() throws InterruptedException {
        Call call = Call.open(gate, GET_ORDER);

        assertTrue(gate.drain(Duration.ZERO), "it holds no slot yet");
        call.requestArrives();

        assertEquals(List.of(Status.Code.UNAVAILABLE), call.closeCodes());
        assertEquals(List.of(), call.service.heard);
        assertEquals(0, gate.inFlight());
    }

    @Test
    void theDrainWaitsForTheCallsInFlight() throws Exception {
        Call call = Call.open(gate, GET_ORDER);
        call.requestArrives();

        assertFalse(gate.drain(Duration.ofMillis(50)), "the call is still in flight");
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.drain(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(drained.isDone());
        call.service.answer(Status.OK);

        assertTrue(drained.get(10, TimeUnit.SECONDS), "the drain ends with the call, not at its grace");
    }

    @Test
    void theSlotIsFreeByTheTimeTheAnswerGoesOut() {
        gate = new CallGate(1, WATCH_METHODS);
        Call call = Call.open(gate, GET_ORDER);
        call.requestArrives();

        call.service.answer(Status.OK);

        assertEquals(List.of(0), call.inFlightAtClose, "a client sending its next call on this answer finds room");
    }

    static Stream<List<String>> endingsInEveryOrder() {
        return Stream.of(List.of("close", "complete", "cancel"), List.of("close", "cancel", "complete"),
                         List.of("complete", "close", "cancel"), List.of("complete", "cancel", "close"),
                         List.of("cancel", "close", "complete"), List.of("cancel", "complete", "close"));
    }

    @ParameterizedTest
    @MethodSource("endingsInEveryOrder")
    void aSlotIsGivenBackOnceWhateverTheOrderOfTheSignsThatTheCallIsOver(List<String> endings) {
        Call other = Call.open(gate, GET_ORDER);
        other.requestArrives();
        Call call = Call.open(gate, GET_ORDER);
        call.requestArrives();
        assertEquals(2, gate.inFlight());

        for (String ending : endings) {
            call.end(ending);
            assertEquals(1, gate.inFlight(), "after " + ending + ": the other call's slot only");
        }
        assertEquals(Stream.concat(Stream.of("halfClose"), endings.stream().filter(ending -> !ending.equals("close"))).toList(),
                     call.service.heard, "the service hears of each, in its order");
        assertEquals(List.of(Status.Code.OK), call.closeCodes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"complete", "cancel"})
    void aCallThatEndsBeforeItsRequestCameTakesNoSlot(String ending) {
        gate = new CallGate(1, WATCH_METHODS);
        Call call = Call.open(gate, GET_ORDER);

        call.end(ending);
        assertEquals(0, gate.inFlight());
        call.requestArrives();

        assertEquals(List.of(Status.Code.CANCELLED), call.closeCodes());
        assertEquals("the call ended", call.closes.getFirst().getDescription());
        assertFalse(call.service.heard.contains("halfClose"), "the service never runs it");
        assertEquals(0, gate.inFlight());
        Call next = Call.open(gate, GET_ORDER);
        next.requestArrives();
        assertEquals(List.of("halfClose"), next.service.heard, "the one slot is still free");
    }

    /**
     * A call as the transport hands it to the gate: it records how it was closed and the gate's count
     * at that moment. The transport's side of it (request, complete, cancel) goes to the listener the
     * gate returned.
     */
    private static final class Call extends ServerCall<Object, Object> {

        private final CallGate gate;
        private final MethodDescriptor<Object, Object> method;
        private final List<Status> closes = new ArrayList<>();
        private final List<Integer> inFlightAtClose = new ArrayList<>();
        private final Service service = new Service();
        private ServerCall.Listener<Object> listener;

        @SuppressWarnings("unchecked")
        private Call(CallGate gate, MethodDescriptor<?, ?> method) {
            this.gate = gate;
            this.method = (MethodDescriptor<Object, Object>) method;
        }

        static Call open(CallGate gate, MethodDescriptor<?, ?> method) {
            Call call = new Call(gate, method);
            call.listener = gate.interceptCall(call, new Metadata(), call.service);
            return call;
        }

        /** The client's request has come whole. */
        void requestArrives() {
            listener.onHalfClose();
        }

        /**
         * A sign that the call is over: the service's answer ("close"), or the transport's word that
         * the call completed ("complete") or was cancelled ("cancel").
         */
        void end(String ending) {
            switch (ending) {
                case "close" -> service.answer(Status.OK);
                case "complete" -> listener.onComplete();
                case "cancel" -> listener.onCancel();
                default -> throw new IllegalArgumentException(ending);
            }
        }

        List<Status.Code> closeCodes() {
            return closes.stream().map(Status::getCode).toList();
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(Object message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closes.add(status);
            inFlightAtClose.add(gate.inFlight());
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<Object, Object> getMethodDescriptor() {
            return method;
        }
    }

    /** The service behind the gate: the call it was given, and what reached it. */
    private static final class Service implements ServerCallHandler<Object, Object> {

        private final List<String> heard = new ArrayList<>();
        private final ServerCall.Listener<Object> listener = new ServerCall.Listener<>() {
            @Override
            public void onHalfClose() {
                heard.add("halfClose");
            }

            @Override
            public void onComplete() {
                heard.add("complete");
            }

            @Override
            public void onCancel() {
                heard.add("cancel");
            }
        };
        private ServerCall<Object, Object> started;

        @Override
        public ServerCall.Listener<Object> startCall(ServerCall<Object, Object> call, Metadata headers) {
            started = call;
            return listener;
        }

        /** Closes the call as the service does, through what the gate gave it. */
        void answer(Status status) {
            started.close(status, new Metadata());
        }
    }
}
