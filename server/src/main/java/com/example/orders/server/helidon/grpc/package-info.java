/**
 * Fixes of Helidon's gRPC calls: the sub-protocol that starts them
 * ({@link com.example.orders.server.helidon.grpc.GrpcSubProtocol}), interceptors that correct what
 * Helidon writes for a call or leaves out, and the decorations of the services bound
 * ({@link com.example.orders.server.helidon.grpc.RequestDecoding},
 * {@link com.example.orders.server.helidon.grpc.ReflectionServer}).
 */
package com.example.orders.server.helidon.grpc;
