#!/usr/bin/env bash
# `npm run lint:workflows`: actionlint over .github/workflows/ (syntax, expressions, job and
# step references, action inputs), with shellcheck over every `run:` script. actionlint is
# built from its Go module (`go install`, through the Go module proxy) into
# target/release-tools/go; shellcheck comes from Debian. Fails on any finding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/release/common.sh
source scripts/release/common.sh

ACTIONLINT_VERSION=v1.7.12
bin="$RELEASE_TOOLS/go/actionlint-$ACTIONLINT_VERSION"

command -v shellcheck >/dev/null || need_debian_packages shellcheck
if [ ! -x "$bin/actionlint" ]; then
  go=go
  command -v go >/dev/null || go=/usr/local/go/bin/go
  if ! command -v "$go" >/dev/null; then
    need_debian_packages golang-go
    go=go
  fi
  echo "lint:workflows: go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  # GOTOOLCHAIN=auto: an older Go fetches the toolchain the module asks for (a Go module too).
  GOBIN="$bin" GOTOOLCHAIN=auto GOFLAGS=-buildvcs=false "$go" install \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
"$bin/actionlint" -version | head -n 1
"$bin/actionlint" .github/workflows/*.yml
echo "lint:workflows: $(find .github/workflows -name '*.yml' | wc -l) workflows, no findings"
