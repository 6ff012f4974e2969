package dev.tuneline.llm.data;

/**
 * NumPy's {@code np.random.default_rng(seed).permutation(n)} re-implemented: SeedSequence entropy mixing, the PCG64
 * (XSL-RR 128/64) bit generator, and the Fisher-Yates shuffle with masked-rejection bounded integers. Written from
 * the published algorithms; checked against NumPy's output in {@code SplitsTest}.
 */
final class NumpyPermutation {

    // SeedSequence constants (hash-mix by Melissa O'Neill)
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int POOL_SIZE = 4;

    // PCG64 default 128-bit multiplier
    private static final long MULT_HI = 2549297995355413924L;
    private static final long MULT_LO = 4865540595714422341L;

    private long stateHi;
    private long stateLo;
    private long incHi;
    private long incLo;
    private boolean hasUint32;
    private int bufferedUint32;

    private NumpyPermutation(long seed) {
        int[] pool = mixEntropy(entropyWords(seed));
        long[] words = generateState64(pool, 4);
        // pcg64_set_seed: seed = (words[0] << 64) | words[1], inc = (words[2] << 64) | words[3]
        incHi = (words[2] << 1) | (words[3] >>> 63);
        incLo = (words[3] << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + words[1];
        stateHi = stateHi + words[0] + (Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0);
        stateLo = lo;
        step();
    }

    /** {@code np.random.default_rng(seed).permutation(n)}. */
    static int[] permutation(int n, long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("seed must be non-negative (NumPy rejects negative seeds), got " + seed);
        }
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        NumpyPermutation rng = new NumpyPermutation(seed);
        for (int i = n - 1; i >= 1; i--) {
            int j = (int) rng.interval(i);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    /** A uniform integer in [0, max] by masked rejection (NumPy's {@code random_interval}). */
    private long interval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        mask |= mask >>> 32;
        long value;
        if (max <= 0xFFFFFFFFL) {
            do {
                value = (nextUint32() & 0xFFFFFFFFL) & mask;
            } while (value > max);
        } else {
            do {
                value = nextUint64() & mask;
            } while (Long.compareUnsigned(value, max) > 0);
        }
        return value;
    }

    private int nextUint32() {
        if (hasUint32) {
            hasUint32 = false;
            return bufferedUint32;
        }
        long next = nextUint64();
        hasUint32 = true;
        bufferedUint32 = (int) (next >>> 32);
        return (int) next;
    }

    /** Advance, then output XSL-RR of the new state. */
    private long nextUint64() {
        step();
        long xored = stateHi ^ stateLo;
        int rot = (int) (stateHi >>> 58);
        return Long.rotateRight(xored, rot);
    }

    /** state = state * MULT + inc (mod 2^128). */
    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long newLo = lo + incLo;
        long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
        stateHi = hi + incHi + carry;
        stateLo = newLo;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The seed as little-endian 32-bit words ({@code _int_to_uint32_array}). */
    private static int[] entropyWords(long seed) {
        if (seed == 0) {
            return new int[] {0};
        }
        int count = (seed >>> 32) == 0 ? 1 : 2;
        int[] words = new int[count];
        for (int i = 0; i < count; i++) {
            words[i] = (int) (seed >>> (32 * i));
        }
        return words;
    }

    private static int[] mixEntropy(int[] entropy) {
        int[] hashConst = {INIT_A};
        int[] pool = new int[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
                }
            }
        }
        for (int src = POOL_SIZE; src < entropy.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
            }
        }
        return pool;
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> 16;
        return value;
    }

    private static int mix(int x, int y) {
        int result = MIX_MULT_L * x - MIX_MULT_R * y;
        result ^= result >>> 16;
        return result;
    }

    /** {@code SeedSequence.generate_state(n, np.uint64)}: 2n 32-bit words paired little-endian. */
    private static long[] generateState64(int[] pool, int n) {
        int hashConst = INIT_B;
        int[] words = new int[2 * n];
        for (int i = 0; i < words.length; i++) {
            int value = pool[i % POOL_SIZE];
            value ^= hashConst;
            hashConst *= MULT_B;
            value *= hashConst;
            value ^= value >>> 16;
            words[i] = value;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (words[2 * i] & 0xFFFFFFFFL) | ((long) words[2 * i + 1] << 32);
        }
        return out;
    }
}
