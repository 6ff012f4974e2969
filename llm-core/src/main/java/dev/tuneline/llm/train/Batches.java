package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Shape checks and tensor conversion shared by the batch records. */
final class Batches {
    private Batches() {}

    static void checkRect(String name, int[][] a, int rows, int cols) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (a.length != rows) {
            throw new IllegalArgumentException(name + " has " + a.length + " rows, expected " + rows);
        }
        if (cols == 0) {
            throw new IllegalArgumentException(name + " has rows of length 0");
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != cols) {
                throw new IllegalArgumentException(name + " row " + i + " has length "
                        + (a[i] == null ? "null" : a[i].length) + ", expected " + cols + " (rows must be padded)");
            }
        }
    }

    static long sum(int[][] a) {
        long s = 0;
        for (int[] row : a) {
            for (int v : row) {
                s += v;
            }
        }
        return s;
    }

    /** (B, T) int64 tensor in {@code m}. */
    static NDArray longs(NDManager m, int[][] a) {
        long[][] l = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            l[i] = new long[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                l[i][j] = a[i][j];
            }
        }
        return m.create(l);
    }
}
