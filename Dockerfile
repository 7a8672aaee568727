# A reqstats image without Go: the static binary and nothing else.
#   docker build -t reqstats .
#   docker run --rm -v "$PWD:/logs" reqstats dev-server.log
#   docker run --rm -v "$PWD:/logs" -p 9464:9464 reqstats -f dev-server.log --serve 0.0.0.0:9464
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /reqstats .

FROM scratch
COPY --from=build /reqstats /usr/local/bin/reqstats
COPY LICENSE /LICENSE
USER 65532:65532
WORKDIR /logs
ENTRYPOINT ["reqstats"]
