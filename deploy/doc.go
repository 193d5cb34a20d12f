// Package deploy holds no code. It is its own module so that the checks of
// authsvc's deployment files can use the real Kubernetes API types and
// kustomize without adding them to the service's dependencies:
//
//   - manifests_test.go decodes every manifest under kubernetes/ strictly
//     into the k8s.io/api types (an unknown or misspelt field fails), renders
//     the example overlay with kustomize in-process, and checks the rendered
//     objects decode strictly too, fit together and carry the overlay;
//   - container_test.go parses the Dockerfiles and compose.yaml strictly,
//     runs the Dockerfile's exact build command on the build context that
//     .dockerignore leaves, and checks that the binary is static.
//
// `make test` runs them (cd deploy && go test ./...).
package deploy
