#!/usr/bin/env bash
# Runs the whole test suite: gofmt and go vet, then every test (unit,
# in-process API, end-to-end against the built binary, the embedded broker
# and a real mosquitto) with the race detector, then each benchmark once,
# then the comparison harness's smoke run (go run ./bench -quick).
#
# mosquitto and its clients are installed with apt-get when missing (as root,
# or through sudo). Without them the mosquitto tests are skipped on a
# developer machine and fail in CI (CI=true). The same goes for chromium,
# which drives the agent URL example's page, and python3-junitparser, which
# reads back the JUnit XML of agenthost test.
set -euo pipefail
cd "$(dirname "$0")/.."

have_mosquitto() {
  { command -v mosquitto || [ -x /usr/sbin/mosquitto ]; } >/dev/null 2>&1 &&
    command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_passwd >/dev/null 2>&1
}

if ! have_mosquitto; then
  echo "test.sh: installing mosquitto and mosquitto-clients with apt-get" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mosquitto mosquitto-clients; } >&2; then
    echo "test.sh: could not install mosquitto; its tests will be skipped (or fail when CI=true)" >&2
  fi
fi
have_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1
}

# The agent URL example is tested in headless Chromium (tests/agenturl_test.go);
# without it that test is skipped on a developer machine and fails in CI.
if ! have_chromium; then
  echo "test.sh: installing chromium with apt-get" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >&2; then
    echo "test.sh: could not install chromium; the browser test will be skipped (or fail when CI=true)" >&2
  fi
fi
# The JUnit XML is read back with Python's junitparser (tests/junit_test.go),
# from Debian's python3-junitparser (PyPI is not needed); without it that test
# is skipped on a developer machine and fails in CI.
have_junitparser() {
  python3 -c 'import junitparser' >/dev/null 2>&1 || /usr/bin/python3 -c 'import junitparser' >/dev/null 2>&1
}
if ! have_junitparser; then
  echo "test.sh: installing python3-junitparser with apt-get" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-junitparser; } >&2; then
    echo "test.sh: could not install python3-junitparser; the JUnit reader test will be skipped (or fail when CI=true)" >&2
  fi
fi
command -v curl >/dev/null 2>&1 || {
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq curl >&2 || true
}

# The Debian package starts a system broker on port 1883; the tests start
# their own on free ports and do not need it.

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 "$@" ./...
# Benchmarks run briefly so they cannot rot; their speed is not asserted.
# (BenchmarkVirtualDay simulates a whole day per iteration, and each of
# scriptvm's runs a built-in at its cap: once is enough.)
go test -run '^$' -bench . -benchtime 100x ./agentapi/...
go test -run '^$' -bench . -benchtime 1x ./host/ ./scriptvm/
# The comparison harness's smoke run: agenthost, plain paho and Node.js on
# both brokers, CPU per message, fleets of 10 and 100 agents. About a minute
# here; it fails when a subject misses a message or a fleet does not
# connect, and judges no figure. The report goes to the log.
go run ./bench -quick
