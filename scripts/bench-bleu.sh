#!/usr/bin/env bash
# Corpus-BLEU benchmark: Tuneline's SacreBleu / HfBleu vs nltk's corpus_bleu (Debian's python3-nltk, run with
# /usr/bin/python3, not a pyenv/venv python) on 10,000 sentence pairs built from ../shared/data/sft.
#   scripts/bench-bleu.sh [pairs] [rounds]
# Optional: SACREBLEU_PYTHON=/path/to/python-with-sacrebleu-2.6.0 adds the real sacreBLEU as a row.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import nltk" >/dev/null 2>&1; then
  echo "installing python3-nltk (Debian package) ..." >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-nltk >/dev/null
fi
mvn -B -q -o -pl llm-core -am install -DskipTests >/dev/null 2>&1 || mvn -B -q -pl llm-core -am install -DskipTests
cp_file="$PWD/llm-core/target/bench.classpath"
mvn -B -q -o -pl llm-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
export OPT_OUT_TRACKING=true DJL_OFFLINE=true
exec java -Xmx2g -Dtuneline.shared.dir="$(cd .. && pwd)/shared" \
  -cp "llm-core/target/test-classes:llm-core/target/classes:$(cat "$cp_file")" dev.tuneline.llm.bench.BleuBench "$@"
