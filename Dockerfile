# Build a static futurebot binary (the default corpus is embedded in it).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/futurebot ./cmd/futurebot && mkdir -p /out/data

# Run it as a non-root user with the index on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/futurebot /futurebot
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATA_DIR=/data HTTP_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/futurebot", "health"]
ENTRYPOINT ["/futurebot"]
CMD ["serve"]
