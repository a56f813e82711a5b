package dev.memtable.tck;

import dev.memtable.Bytes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code model01}–{@code model02}: seeded random differential tests. Tens of thousands of
 * mixed puts, deletes, gets, scans with random bounds, batches and size checks run against the
 * backend and against the {@link ReferenceModel}; every answer must agree.
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
     * <b>model01</b>: random operations on short keys over the bytes {@code 00 01 7f 80 fe ff 61}
     * (lengths 0–3, so the empty key, prefixes and unsigned order all occur, and keys are
     * overwritten and deleted often) give the same answers as the reference model.
     * <p>If it fails: the message names the seed and the first operation that disagreed; replay
     * it with the seed and compare the operation with the other rules of its kind.
     */
    @Test
    default void required_model01_randomOperationsMatchReferenceModel() {
        long seed = DifferentialSupport.seed();
        DifferentialSupport.run(newTable(), seed, DifferentialSupport.operations(),
                DifferentialSupport::shortKey);
    }

    /**
     * <b>model02</b>: random operations on long keys (33–50 bytes, sharing a few long random
     * prefixes, some keys being prefixes of others) give the same answers as the reference
     * model; this exercises comparisons that differ only late in the key.
     * <p>If it fails: as model01; suspect key comparison beyond the first bytes.
     */
    @Test
    default void required_model02_randomLongKeysMatchReferenceModel() {
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
