package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/api/krusty"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/authsvc/authsvc/internal/policy"
)

// kinds maps every apiVersion/kind the manifests may use to its Go type.
// A manifest of any other kind fails the test, so that nothing goes
// unchecked. To check another API (an Istio AuthorizationPolicy, say), add
// its module to deploy/go.mod, its type here, and its folder to
// manifestDirs.
var kinds = map[schema.GroupVersionKind]func() any{
	appsv1.SchemeGroupVersion.WithKind("Deployment"):                              func() any { return &appsv1.Deployment{} },
	corev1.SchemeGroupVersion.WithKind("Service"):                                 func() any { return &corev1.Service{} },
	corev1.SchemeGroupVersion.WithKind("ServiceAccount"):                          func() any { return &corev1.ServiceAccount{} },
	corev1.SchemeGroupVersion.WithKind("ConfigMap"):                               func() any { return &corev1.ConfigMap{} },
	corev1.SchemeGroupVersion.WithKind("Secret"):                                  func() any { return &corev1.Secret{} },
	corev1.SchemeGroupVersion.WithKind("Namespace"):                               func() any { return &corev1.Namespace{} },
	autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"):          func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"):                   func() any { return &policyv1.PodDisruptionBudget{} },
	networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy"):                     func() any { return &networkingv1.NetworkPolicy{} },
	{Group: "kustomize.config.k8s.io", Version: "v1beta1", Kind: "Kustomization"}: func() any { return &kustypes.Kustomization{} },
}

// manifestDirs are the folders whose every .yaml file is a manifest.
var manifestDirs = []string{"kubernetes"}

// notManifests are YAML files under manifestDirs that are not Kubernetes
// objects; they are checked by their own parser instead.
var notManifests = map[string]func([]byte) error{
	"policy.yaml": func(b []byte) error { _, err := policy.Parse(b); return err },
}

// decodeStrict decodes one YAML document into the Go type of its kind,
// refusing unknown and duplicate fields.
func decodeStrict(doc []byte) (any, error) {
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	gv, err := schema.ParseGroupVersion(tm.APIVersion)
	if err != nil {
		return nil, err
	}
	newObj, ok := kinds[gv.WithKind(tm.Kind)]
	if !ok {
		return nil, fmt.Errorf("apiVersion %q kind %q is not a kind this test knows (add it to kinds)", tm.APIVersion, tm.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	return obj, nil
}

// documents splits a multi-document YAML stream, dropping empty documents.
func documents(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), b...), []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(out, line...)
			out = append(out, '\n')
		}
	}
	return out
}

// TestManifestsDecodeStrictly: every file under the manifest folders
// decodes into its real type with no unknown field, and every policy file
// is a policy authsvc accepts.
func TestManifestsDecodeStrictly(t *testing.T) {
	t.Parallel()
	var files []string
	for _, dir := range manifestDirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 10 {
		t.Fatalf("found %d manifests under %v, want the base and the overlay", len(files), manifestDirs)
	}
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if check, ok := notManifests[filepath.Base(path)]; ok {
				if err := check(b); err != nil {
					t.Fatal(err)
				}
				return
			}
			docs := documents(b)
			if len(docs) == 0 {
				t.Fatal("no YAML document")
			}
			for _, doc := range docs {
				if _, err := decodeStrict(doc); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestDecodeStrictRefuses: the strict decoder is strict (a misspelt field,
// a field at the wrong level, a duplicate, an unknown kind all fail), so
// that the test above can fail.
func TestDecodeStrictRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc string }{
		{"misspelt field", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 1, targetPort: 1, appProtocl: http}]}\n"},
		{"field at the wrong level", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {template: {containers: []}}\n"},
		{"duplicate field", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: a}\ndata: {k: b}\n"},
		{"unknown kind", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"},
		{"wrong type", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: a}\nspec: {maxUnavailable: [1]}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := decodeStrict([]byte(tt.doc)); err == nil {
				t.Errorf("decoded without error:\n%s", tt.doc)
			}
		})
	}
}

// render runs kustomize build on dir in-process and decodes each rendered
// object strictly.
func render(t *testing.T, dir string) map[string]any {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	objs := map[string]any{}
	for _, r := range m.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := decodeStrict(b)
		if err != nil {
			t.Errorf("rendered %s/%s: %v", r.GetKind(), r.GetName(), err)
			continue
		}
		objs[r.GetKind()] = obj
	}
	return objs
}

// TestBaseRenders: the base renders to objects that fit together: the
// Service and the PDB select the pods, the probes and the Service target
// ports the container declares, the HPA scales the Deployment, the policy
// volume names the generated ConfigMap, and the pod runs locked down.
func TestBaseRenders(t *testing.T) {
	t.Parallel()
	objs := render(t, "kubernetes/base")
	dep := objs["Deployment"].(*appsv1.Deployment)
	svc := objs["Service"].(*corev1.Service)
	hpa := objs["HorizontalPodAutoscaler"].(*autoscalingv2.HorizontalPodAutoscaler)
	pdb := objs["PodDisruptionBudget"].(*policyv1.PodDisruptionBudget)
	cm := objs["ConfigMap"].(*corev1.ConfigMap)
	checkFitsTogether(t, dep, svc, hpa, pdb, cm)
	np, ok := objs["NetworkPolicy"].(*networkingv1.NetworkPolicy)
	if !ok {
		t.Fatal("no NetworkPolicy: both ports would be open to every pod of the cluster")
	}
	checkNetworkPolicy(t, np, dep)
	if _, ok := objs["Secret"]; ok {
		t.Error("the base renders a Secret: the Clerk key must not come from git")
	}
}

func checkFitsTogether(t *testing.T, dep *appsv1.Deployment, svc *corev1.Service, hpa *autoscalingv2.HorizontalPodAutoscaler, pdb *policyv1.PodDisruptionBudget, cm *corev1.ConfigMap) {
	t.Helper()
	pod := dep.Spec.Template
	if !selects(svc.Spec.Selector, pod.Labels) || !selects(pdb.Spec.Selector.MatchLabels, pod.Labels) || !selects(dep.Spec.Selector.MatchLabels, pod.Labels) {
		t.Errorf("a selector misses the pod labels %v", pod.Labels)
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, sp := range svc.Spec.Ports {
		if _, ok := ports[sp.TargetPort.StrVal]; !ok {
			t.Errorf("Service port %s targets %q, which the container does not declare", sp.Name, sp.TargetPort.StrVal)
		}
	}
	wantApp := map[string]string{"grpc": "kubernetes.io/h2c", "http": "http"}
	for _, sp := range svc.Spec.Ports {
		if sp.AppProtocol == nil || *sp.AppProtocol != wantApp[sp.Name] {
			t.Errorf("Service port %s appProtocol = %v, want %q", sp.Name, sp.AppProtocol, wantApp[sp.Name])
		}
	}
	// Readiness follows the key set (gRPC health); liveness must not, or
	// a replica started during a Clerk outage would be killed in a loop.
	if p := c.ReadinessProbe; p == nil || p.GRPC == nil || p.GRPC.Port != ports["grpc"] {
		t.Errorf("readiness probe is not a gRPC probe on the grpc port %d: %+v", ports["grpc"], p)
	}
	if p := c.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" || p.HTTPGet.Port.StrVal != "http" {
		t.Errorf("liveness probe is not httpGet /healthz on the http port: %+v", p)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if got := env["AUTHSVC_GRPC_ADDR"].Value; got != fmt.Sprintf("0.0.0.0:%d", ports["grpc"]) {
		t.Errorf("AUTHSVC_GRPC_ADDR = %q, want the grpc port on 0.0.0.0", got)
	}
	if got := env["AUTHSVC_HTTP_ADDR"].Value; got != fmt.Sprintf("0.0.0.0:%d", ports["http"]) {
		t.Errorf("AUTHSVC_HTTP_ADDR = %q, want the http port on 0.0.0.0", got)
	}
	if ref := env["CLERK_SECRET_KEY"].ValueFrom; ref == nil || ref.SecretKeyRef == nil || env["CLERK_SECRET_KEY"].Value != "" {
		t.Error("CLERK_SECRET_KEY is not read from a Secret")
	}
	checkMemoryBudget(t, env, c)
	checkBackendShare(t, env, hpa)
	if dep.Spec.Replicas != nil {
		t.Errorf("Deployment sets replicas (%d): the HPA owns the count, and kubectl apply would reset it", *dep.Spec.Replicas)
	}
	if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != dep.Name {
		t.Errorf("HPA scales %s/%s, want Deployment/%s", hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name, dep.Name)
	}
	var policyVolume string
	for _, v := range pod.Spec.Volumes {
		if v.ConfigMap != nil {
			policyVolume = v.ConfigMap.Name
		}
	}
	if policyVolume != cm.Name || !strings.HasPrefix(cm.Name, "authsvc-policy-") {
		t.Errorf("policy volume names ConfigMap %q, rendered one is %q (want the generated, hashed name)", policyVolume, cm.Name)
	}
	if _, err := policy.Parse([]byte(cm.Data["policy.yaml"])); err != nil {
		t.Errorf("rendered policy: %v", err)
	}
	checkLockedDown(t, pod.Spec, c)
	if len(pod.Spec.TopologySpreadConstraints) == 0 {
		t.Error("no topology spread constraints")
	}
}

// Worst-case memory of the settings, from the README's measurements: a
// Health/Watch stream (~13 KB) and a decision cache entry (~2.4 KB).
const (
	bytesPerStream     = 13 << 10
	bytesPerCacheEntry = 2385
	clerkBudget        = 1000 // a production instance's Backend API requests per 10 s
)

// checkMemoryBudget: the connection, stream and cache settings fit in the
// container's memory limit (the gRPC port's connections full of streams,
// the cache full), and GOMEMLIMIT sits below the limit.
func checkMemoryBudget(t *testing.T, env map[string]corev1.EnvVar, c corev1.Container) {
	t.Helper()
	num := func(name string) int64 {
		n, err := strconv.ParseInt(env[name].Value, 10, 64)
		if err != nil {
			t.Fatalf("%s = %q: the defaults are for gigabytes; set it for this limit", name, env[name].Value)
		}
		return n
	}
	limit := c.Resources.Limits.Memory().Value()
	worst := num("AUTHSVC_MAX_CONNECTIONS")*num("AUTHSVC_MAX_STREAMS")*bytesPerStream + num("AUTHSVC_CACHE_SIZE")*bytesPerCacheEntry
	if worst > limit*3/4 {
		t.Errorf("connections, streams and cache can take %d MB of the %d MB limit", worst>>20, limit>>20)
	}
	gml, err := resource.ParseQuantity(strings.TrimSuffix(env["GOMEMLIMIT"].Value, "B"))
	if err != nil || gml.Value() >= limit || gml.Value() < limit*3/4 {
		t.Errorf("GOMEMLIMIT = %q, want between 75%% and 100%% of the %d MB limit", env["GOMEMLIMIT"].Value, limit>>20)
	}
}

// checkBackendShare: the replicas' Backend API shares together stay within
// the instance's budget at the HPA's ceiling.
func checkBackendShare(t *testing.T, env map[string]corev1.EnvVar, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	t.Helper()
	rate, err := strconv.Atoi(env["AUTHSVC_BACKEND_RATE_LIMIT"].Value)
	if err != nil {
		t.Fatalf("AUTHSVC_BACKEND_RATE_LIMIT = %q: without it each replica assumes the whole budget", env["AUTHSVC_BACKEND_RATE_LIMIT"].Value)
	}
	if total := rate * int(hpa.Spec.MaxReplicas); total > clerkBudget {
		t.Errorf("AUTHSVC_BACKEND_RATE_LIMIT %d × maxReplicas %d = %d, over the instance's %d", rate, hpa.Spec.MaxReplicas, total, clerkBudget)
	}
}

// checkNetworkPolicy: the policy selects authsvc's pods, admits ingress
// only on their two ports, and only from labelled namespaces or its own.
func checkNetworkPolicy(t *testing.T, np *networkingv1.NetworkPolicy, dep *appsv1.Deployment) {
	t.Helper()
	if !selects(np.Spec.PodSelector.MatchLabels, dep.Spec.Template.Labels) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
		t.Errorf("NetworkPolicy does not govern the pods' ingress: %+v", np.Spec)
	}
	for _, r := range np.Spec.Ingress {
		if len(r.From) == 0 {
			t.Error("an ingress rule admits every source")
		}
		for _, f := range r.From {
			if f.IPBlock != nil || f.NamespaceSelector != nil && len(f.NamespaceSelector.MatchLabels) == 0 && len(f.NamespaceSelector.MatchExpressions) == 0 {
				t.Errorf("an ingress rule admits every namespace or an IP block: %+v", f)
			}
		}
		for _, p := range r.Ports {
			if p.Port == nil || p.Port.StrVal != "grpc" && p.Port.StrVal != "http" {
				t.Errorf("an ingress rule opens port %v", p.Port)
			}
		}
		if len(r.Ports) == 0 {
			t.Error("an ingress rule opens every port")
		}
	}
}

// checkLockedDown: non-root, read-only root, no privilege escalation, no
// capabilities, no service account token.
func checkLockedDown(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	sc := c.SecurityContext
	switch {
	case pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot:
		t.Error("pod does not require runAsNonRoot")
	case sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("root filesystem is writable")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("privilege escalation allowed")
	case sc.Capabilities == nil || cmp.Diff([]corev1.Capability{"ALL"}, sc.Capabilities.Drop) != "":
		t.Error("capabilities are not all dropped")
	case pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken:
		t.Error("a service account token is mounted")
	case c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero():
		t.Error("no CPU request or memory limit")
	}
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestExampleOverlayRenders: the example overlay renders, still fits
// together, and carries each of its changes: the namespace on every
// namespaced object, the image, the authorized parties, the replaced
// policy and the HPA ceiling.
func TestExampleOverlayRenders(t *testing.T) {
	t.Parallel()
	objs := render(t, "kubernetes/overlays/example")
	dep := objs["Deployment"].(*appsv1.Deployment)
	svc := objs["Service"].(*corev1.Service)
	hpa := objs["HorizontalPodAutoscaler"].(*autoscalingv2.HorizontalPodAutoscaler)
	pdb := objs["PodDisruptionBudget"].(*policyv1.PodDisruptionBudget)
	cm := objs["ConfigMap"].(*corev1.ConfigMap)
	checkFitsTogether(t, dep, svc, hpa, pdb, cm)

	for name, ns := range map[string]string{"Deployment": dep.Namespace, "Service": svc.Namespace, "HorizontalPodAutoscaler": hpa.Namespace, "PodDisruptionBudget": pdb.Namespace, "ConfigMap": cm.Namespace, "ServiceAccount": objs["ServiceAccount"].(*corev1.ServiceAccount).Namespace} {
		if ns != "auth" {
			t.Errorf("%s namespace = %q, want auth", name, ns)
		}
	}
	if _, ok := objs["Namespace"]; !ok {
		t.Error("the overlay's Namespace was not rendered")
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if c.Image != "registry.example.com/platform/authsvc:v0.1.0" {
		t.Errorf("image = %q, want the overlay's", c.Image)
	}
	var parties string
	for _, e := range c.Env {
		if e.Name == "CLERK_AUTHORIZED_PARTIES" {
			parties = e.Value
		}
	}
	if parties != "https://app.example.com" {
		t.Errorf("CLERK_AUTHORIZED_PARTIES = %q, want the overlay's", parties)
	}
	if len(c.Env) < 5 {
		t.Errorf("the env patch replaced the base's variables instead of adding one: %v", c.Env)
	}
	if !strings.Contains(cm.Data["policy.yaml"], "name: billing") {
		t.Errorf("the policy is not the overlay's:\n%s", cm.Data["policy.yaml"])
	}
	if hpa.Spec.MaxReplicas != 20 {
		t.Errorf("HPA maxReplicas = %d, want the overlay's 20", hpa.Spec.MaxReplicas)
	}
}
