#!/usr/bin/env bash
# Training throughput of the JVM trainer vs the same model and step in PyTorch eager, plus one large GEMM in the
# same JVM: scripts/bench-train.sh [--rounds N --steps N --warmup N --gemm N]
# Installs Debian's python3-torch (and OpenBLAS, without which it falls back to reference BLAS) with apt-get when
# missing. OPENBLAS_CORETYPE is set for the Python command only, and only when OpenBLAS's own kernel detection
# picked a kernel below what the CPU supports; the decision is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "installing python3-torch + libopenblas0-pthread with apt-get ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread >/dev/null
fi

core=$("$PY" - <<'PY'
import ctypes, ctypes.util
import torch  # loads the BLAS torch links against
name = "unknown"
for lib in ("openblas", "blas"):
    path = ctypes.util.find_library(lib)
    try:
        f = ctypes.CDLL(path).openblas_get_corename
        f.restype = ctypes.c_char_p
        name = f().decode()
        break
    except Exception:
        pass
print(name)
PY
)
flags=$(grep -m1 '^flags' /proc/cpuinfo)
want=""; isa=""
if [[ " $flags " == *" avx512f "* ]]; then want=SkylakeX; isa=AVX-512; elif [[ " $flags " == *" avx2 "* ]]; then want=Haswell; isa=AVX2; fi
export BENCH_TORCH_ENV=""
case "${core,,}" in
  haswell|zen|skylakex|cooperlake|sapphirerapids) echo "OpenBLAS detected core '$core': kept (OPENBLAS_CORETYPE not set)" >&2 ;;
  *)
    if [[ -n "$want" ]]; then
      BENCH_TORCH_ENV="OPENBLAS_CORETYPE=$want"
      echo "OpenBLAS detected core '$core' on a CPU with $isa: setting $BENCH_TORCH_ENV for the python command only" >&2
    else
      echo "OpenBLAS detected core '$core'; no AVX2 on this CPU, kept" >&2
    fi ;;
esac
# build and run like scripts/bench.sh (whose classpath file lands in llm-core/, not llm-core/target/)
mvn -B -q -o -pl llm-core -am install -DskipTests >/dev/null 2>&1 || mvn -B -q -pl llm-core -am install -DskipTests
mvn -B -q -o -pl llm-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/llm-core/target/bench.classpath" >/dev/null
export OPT_OUT_TRACKING=true DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true -Xss4m -Xmx6g -Dtuneline.shared.dir="$(cd .. && pwd)/shared" \
  -cp "llm-core/target/test-classes:llm-core/target/classes:$(cat llm-core/target/bench.classpath)" \
  dev.tuneline.llm.bench.TrainBench --python "$PY" --script scripts/bench_train_torch.py "$@"
