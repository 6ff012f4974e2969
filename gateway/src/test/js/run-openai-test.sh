#!/usr/bin/env bash
# Runs the official `openai` npm client against a running Tuneline gateway.
#   gateway/src/test/js/run-openai-test.sh <baseUrl> <apiKey> [model]
# baseUrl: the gateway root (e.g. http://127.0.0.1:8080); model: a causal-LM id (default: the first causal-lm listed).
# Installs the locked client (npm ci) on first use. Exit status: node's test runner (0 = all passed).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <baseUrl> <apiKey> [model]" >&2
  exit 2
fi
cd "$(dirname "$0")"
if [ ! -f node_modules/openai/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
TUNELINE_BASE_URL="$1" TUNELINE_API_KEY="$2" TUNELINE_MODEL="${3:-${TUNELINE_MODEL:-}}" \
  exec node --test --test-reporter=spec openai-client-test.mjs
