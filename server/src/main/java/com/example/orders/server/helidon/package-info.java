/**
 * What Helidon 4.5.0's gRPC server still gets wrong, worked around behind one seam, split by the layer
 * each fix patches: {@code http2} the HTTP/2 connection (the client's frames Helidon reads, the frames
 * it writes to the socket), {@code grpc} the gRPC call (how Helidon starts it, what it writes for it,
 * what it leaves out). One class per defect, each with a test that fails without it;
 * docs/helidon-workarounds.md gives the defect, the test and the upstream issue of each, and when to
 * delete it.
 *
 * <p>All of it is wired in code by GrpcPipeline (the connections, the interceptors in call order, the
 * services' decorations), except GrpcSubProtocol on connections upgraded from HTTP/1.1, which only a
 * ServiceLoader provider reaches (META-INF/services; GrpcSubProtocol says why).
 */
package com.example.orders.server.helidon;
