// Package telemetry holds authsvc's Prometheus registry and metric families
// and its OpenTelemetry tracing setup, so that the libraries (verifier,
// backendapi) never import either: they expose small observer hooks
// ([verifier.Observer], [backendapi.Observer]) and this package turns their
// events into metrics.
//
// # Metrics
//
// [New] builds one [Metrics]: the families of DESIGN.md's Operations list,
// the grpc_server_* families of the middleware's prometheus provider, and
// the Go and process collectors, all in one private registry served by
// [Metrics.Handler]. Every label value comes from a bounded set: gRPC method
// names from the service descriptors, verifier reasons, HTTP status codes,
// Backend API route templates and the fixed words listed on each recorder.
// A value outside its set is recorded as "other", so no id, token or key
// can become a label.
//
// Other packages record through the [Metrics] methods; [EdgeCheck],
// [PolicyDenial] and [ConfigReload] are package functions that record into
// the Metrics last passed to [SetDefault], for code that has no handle.
//
// # Hot path
//
// Decision-cache hits and misses are counted by the verifier under locks it
// takes anyway and read at scrape time ([Metrics.WatchVerifier]); key-set
// gauges are read the same way. The other events are rare (one per
// verification, fetch or Backend API attempt) and cost one labelled-counter
// lookup each.
//
// # Tracing
//
// [SetupTracing] installs the W3C trace-context propagator and, when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set,
// an OTLP/HTTP exporter configured by the standard OTEL_* variables. When
// tracing is off nothing is installed on the hot path: [Tracing.GRPCServerOptions]
// returns no stats handler and [Tracing.HTTPHandler] and [Tracing.HTTPClient]
// return their argument unchanged.
//
// # What it does not do
//
// It does not log, does not push metrics, and does not export OpenTelemetry
// metrics (Prometheus is the metrics path).
package telemetry
