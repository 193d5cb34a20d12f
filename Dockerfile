# syntax=docker/dockerfile:1
# The authsvc image: the static binary of `make build` (scripts/build.sh, the
# same command) on distroless/static, which has CA certificates, tzdata and a
# nonroot user, and no shell. Build it with `make image`, or
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) \
#     --build-arg REVISION=$(git rev-parse HEAD) -t authsvc .
#
# (.dockerignore leaves .git out of the context, so the version and commit
# come in as build arguments; without them the binary says devel/unknown.)
# For the BoringCrypto build, see Dockerfile.fips.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION
ARG REVISION
RUN scripts/build.sh bin/authsvc

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/authsvc /authsvc
USER nonroot:nonroot
# Both listeners on every interface: the built-in defaults are loopback,
# which nothing outside the container can reach.
ENV AUTHSVC_GRPC_ADDR=0.0.0.0:50051 AUTHSVC_HTTP_ADDR=0.0.0.0:9090
EXPOSE 50051 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["/authsvc", "healthcheck"]
ENTRYPOINT ["/authsvc"]
