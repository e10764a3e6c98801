#!/bin/bash
# Docker HEALTHCHECK for the Tandem image: healthy when GET /health on the HTTP port answers 200.
# Uses bash's /dev/tcp so the image needs neither curl nor wget.
set -euo pipefail
port="${TANDEM_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 4 status <&3
[[ "$status" == *" 200"* ]]
