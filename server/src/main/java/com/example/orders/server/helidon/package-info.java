/**
 * What Helidon 4.5.0's gRPC server still gets wrong, one class per defect, each with a test that fails
 * without it. docs/helidon-workarounds.md gives the upstream issue of each and when to delete it.
 */
package com.example.orders.server.helidon;
