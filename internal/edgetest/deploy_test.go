package edgetest_test

import (
	"encoding/json"
	"os"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extauthzv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	upstreamhttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"
)

// yamlToJSON reads a YAML file as JSON (for protojson).
func yamlToJSON(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// TestEnvoyExampleParses loads deploy/envoy/envoy.yaml into Envoy's
// bootstrap types, strictly (unknown fields fail), runs their generated
// validation, and checks the ext_authz settings the deployment relies on.
func TestEnvoyExampleParses(t *testing.T) {
	t.Parallel()
	var bs bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(yamlToJSON(t, "../../deploy/envoy/envoy.yaml"), &bs); err != nil {
		t.Fatalf("envoy.yaml does not parse as a Bootstrap: %v", err)
	}
	if err := bs.ValidateAll(); err != nil {
		t.Fatalf("envoy.yaml: %v", err)
	}
	listeners := bs.GetStaticResources().GetListeners()
	if len(listeners) != 1 {
		t.Fatalf("want one listener, got %d", len(listeners))
	}
	var hcm hcmv3.HttpConnectionManager
	if err := listeners[0].GetFilterChains()[0].GetFilters()[0].GetTypedConfig().UnmarshalTo(&hcm); err != nil {
		t.Fatal(err)
	}
	if err := hcm.ValidateAll(); err != nil {
		t.Fatal(err)
	}
	filters := hcm.GetHttpFilters()
	if len(filters) != 2 || filters[0].GetName() != "envoy.filters.http.ext_authz" || filters[1].GetName() != "envoy.filters.http.router" {
		t.Fatalf("http filters %v, want ext_authz then router", filters)
	}
	var ea extauthzv3.ExtAuthz
	if err := filters[0].GetTypedConfig().UnmarshalTo(&ea); err != nil {
		t.Fatal(err)
	}
	if err := ea.ValidateAll(); err != nil {
		t.Fatal(err)
	}
	switch {
	case ea.GetFailureModeAllow():
		t.Error("failure_mode_allow must be false")
	case ea.GetWithRequestBody() != nil:
		t.Error("with_request_body must be absent")
	case ea.GetTransportApiVersion() != corev3.ApiVersion_V3:
		t.Error("transport_api_version must be V3")
	case ea.GetGrpcService().GetTimeout().AsDuration() <= 0:
		t.Error("grpc_service needs a timeout")
	}
	authzCluster := ea.GetGrpcService().GetEnvoyGrpc().GetClusterName()
	checkHTTP2Cluster(t, bs.GetStaticResources().GetClusters(), authzCluster)
	// x-clerk-* must reach authsvc, or it cannot remove spoofed ones.
	sent := false
	for _, p := range ea.GetAllowedHeaders().GetPatterns() {
		if p.GetPrefix() == "x-clerk-" {
			sent = true
		}
	}
	if ea.GetAllowedHeaders() != nil && !sent {
		t.Error("allowed_headers must include the x-clerk- prefix")
	}
}

// checkHTTP2Cluster fails unless name is a cluster speaking HTTP/2.
func checkHTTP2Cluster(t *testing.T, clusters []*clusterv3.Cluster, name string) {
	t.Helper()
	for _, c := range clusters {
		if c.GetName() != name {
			continue
		}
		var po upstreamhttpv3.HttpProtocolOptions
		if err := c.GetTypedExtensionProtocolOptions()["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].UnmarshalTo(&po); err != nil {
			t.Fatalf("cluster %s: %v", name, err)
		}
		if po.GetExplicitHttpConfig().GetHttp2ProtocolOptions() == nil {
			t.Fatalf("cluster %s does not speak HTTP/2 (gRPC needs it)", name)
		}
		return
	}
	t.Fatalf("grpc_service cluster %q is not defined", name)
}

// TestIstioExamples: the policy is CUSTOM with the provider the mesh config
// registers, and the provider is a gRPC ext_authz on a port, failing closed.
func TestIstioExamples(t *testing.T) {
	t.Parallel()
	var policy struct {
		Kind string
		Spec struct {
			Action   string
			Provider struct{ Name string }
		}
	}
	if err := json.Unmarshal(yamlToJSON(t, "../../deploy/istio/authorization-policy.yaml"), &policy); err != nil {
		t.Fatal(err)
	}
	var mesh struct {
		Spec struct {
			MeshConfig struct {
				ExtensionProviders []struct {
					Name              string
					EnvoyExtAuthzGrpc *struct {
						Service  string
						Port     int
						Timeout  string
						FailOpen bool
					}
				}
			}
		}
	}
	if err := json.Unmarshal(yamlToJSON(t, "../../deploy/istio/extension-provider.yaml"), &mesh); err != nil {
		t.Fatal(err)
	}
	if policy.Kind != "AuthorizationPolicy" || policy.Spec.Action != "CUSTOM" || policy.Spec.Provider.Name == "" {
		t.Fatalf("policy %+v, want a CUSTOM AuthorizationPolicy with a provider", policy)
	}
	for _, p := range mesh.Spec.MeshConfig.ExtensionProviders {
		if p.Name != policy.Spec.Provider.Name {
			continue
		}
		if g := p.EnvoyExtAuthzGrpc; g == nil || g.Service == "" || g.Port == 0 || g.Timeout == "" || g.FailOpen {
			t.Fatalf("provider %s = %+v, want envoyExtAuthzGrpc with service, port, timeout, failOpen false", p.Name, g)
		}
		return
	}
	t.Fatalf("no extension provider named %q", policy.Spec.Provider.Name)
}
