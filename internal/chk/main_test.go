package chk
import (
	_ "github.com/lestrrat-go/jwx/v2/jwk"
	_ "github.com/lestrrat-go/jwx/v2/jws"
	_ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	_ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	_ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	_ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	_ "github.com/google/go-cmp/cmp"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	_ "google.golang.org/grpc/health"
	_ "google.golang.org/grpc/reflection"
	_ "google.golang.org/grpc/test/bufconn"
	_ "go.yaml.in/yaml/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
)
