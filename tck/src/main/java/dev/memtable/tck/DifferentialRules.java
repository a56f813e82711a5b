package dev.memtable.tck;

import dev.memtable.Bytes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code model01}–{@code model02}: differential tests against the {@link ReferenceModel}.
 * Each first runs a fixed phase on corner-case keys (the same on every run, so a bug in the byte
 * order cannot slip through a lucky seed), then tens of thousands of seeded random puts, deletes,
 * gets, scans with random bounds, batches and size checks; every answer must agree.
 *
 * <p>The seed is random on each run unless the system property {@value #SEED_PROPERTY} fixes it;
 * a failure names the seed, the operation number and the operation, so it can be replayed with
 * {@code -D}{@value #SEED_PROPERTY}{@code =<seed>}. The number of operations of model01 is
 * {@value #DEFAULT_OPERATIONS} unless {@value #OPERATIONS_PROPERTY} says otherwise (model02 runs a
 * quarter as many); raise it to soak.
 */
public interface DifferentialRules extends ContractSupport {

    /** The system property that fixes the seed of the differential rules. */
    String SEED_PROPERTY = "memtable.tck.seed";

    /** The system property that sets the number of operations of model01. */
    String OPERATIONS_PROPERTY = "memtable.tck.operations";

    /** The default number of operations of model01. */
    int DEFAULT_OPERATIONS = 40_000;

    /**
     * <b>model01</b>: short keys. First the fixed corner cases of up to 9 bytes (the empty key,
     * one-byte keys, runs of {@code 00} and {@code ff}, keys of 1, 2, 7, 8 and 9 bytes differing
     * only in the high bit of one byte, prefixes of a 9-byte key): put, deleted, overwritten, and
     * every get and neighbouring scan checked. Then random operations on short keys over the bytes
     * {@code 00 01 7f 80 fe ff 61} (lengths 0–3, so the empty key, prefixes and unsigned order all
     * occur, and keys are overwritten and deleted often) and on the corner keys give the same
     * answers as the reference model.
     * <p>If it fails: the message names the phase (fixed corner cases, or the seed and the
     * operation number) and the first operation that disagreed; replay it with the seed and
     * compare the operation with the other rules of its kind.
     */
    @Test
    default void required_model01_randomOperationsMatchReferenceModel() {
        DifferentialSupport.runCornerCases(newTable(), DifferentialSupport.SHORT_CORNERS);
        long seed = DifferentialSupport.seed();
        DifferentialSupport.run(newTable(), seed, DifferentialSupport.operations(),
                DifferentialSupport::shortKey);
    }

    /**
     * <b>model02</b>: long keys. First the fixed corner cases of 8 to 40 bytes (keys of 8, 9, 16,
     * 17 and 33 bytes differing only in the high bit of one byte, at every position; runs of
     * {@code 00} and {@code ff}; every prefix of a 40-byte key down to 8 bytes), then random
     * operations on long keys (33–50 bytes, sharing a few long random prefixes, some keys being
     * prefixes of others, and the corner keys) give the same answers as the reference model; this
     * exercises comparisons that differ only late in the key.
     * <p>If it fails: as model01; suspect key comparison beyond the first bytes, and a
     * comparison of an 8-byte prefix as a signed number.
     */
    @Test
    default void required_model02_randomLongKeysMatchReferenceModel() {
        DifferentialSupport.runCornerCases(newTable(), DifferentialSupport.LONG_CORNERS);
        long seed = DifferentialSupport.seed();
        SplittableRandom prefixes = new SplittableRandom(seed);
        Bytes[] shared = new Bytes[4];
        for (int i = 0; i < shared.length; i++) {
            byte[] p = new byte[33 + prefixes.nextInt(16)];
            for (int j = 0; j < p.length; j++) {
                p[j] = (byte) prefixes.nextInt(256);
            }
            shared[i] = Bytes.wrap(p);
        }
        DifferentialSupport.run(newTable(), seed, DifferentialSupport.operations() / 4,
                random -> DifferentialSupport.longKey(random, shared));
    }
}
