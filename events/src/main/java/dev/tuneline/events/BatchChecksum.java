package dev.tuneline.events;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over the token ids of a job's batches in sequence order; producer and consumer compute it alike. */
public final class BatchChecksum {
    private final MessageDigest digest;

    /** A fresh checksum. */
    public BatchChecksum() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds one (B, T) array of ids. */
    public BatchChecksum update(int[][] ids) {
        for (int[] row : ids) {
            for (int v : row) {
                digest.update((byte) (v >>> 24));
                digest.update((byte) (v >>> 16));
                digest.update((byte) (v >>> 8));
                digest.update((byte) v);
            }
            digest.update((byte) 0x0A);
        }
        return this;
    }

    /** Adds the ids a batch message carries (inputs for SFT, both sides for preferences); the end marker adds nothing. */
    public BatchChecksum update(BatchMessage message) {
        if (message instanceof SftBatch b) {
            update(b.payload().inputIds());
        } else if (message instanceof PreferenceBatch p) {
            update(p.payload().chosenIds());
            update(p.payload().rejectedIds());
        }
        return this;
    }

    /** Hex digest. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
