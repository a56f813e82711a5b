package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.tck.VersionModel.Version;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** The engine of the random rule of versions ({@code seq12}). */
final class SequenceSupport {

    /** Few keys, so that every key collects many versions. */
    private static final List<Bytes> KEYS = List.of(Bytes.EMPTY, TckSupport.bytes(0x00),
            TckSupport.key("a"), TckSupport.key("ab"), TckSupport.bytes(0x80),
            TckSupport.bytes(0xff, 0x01));

    private SequenceSupport() {
    }

    /**
     * Runs {@code operations} random operations of versions on {@code table} and a
     * {@link VersionModel}, failing on the first disagreement with the seed and the operation in
     * the message. Sequences are drawn from a window that moves up slowly, so writes arrive out
     * of order, land below and above each other and sometimes rewrite a version; one write in
     * eight is unversioned.
     */
    static void randomVersionedOperations(MemTable table, long seed, int operations) {
        SplittableRandom random = new SplittableRandom(seed);
        VersionModel model = new VersionModel();
        int op = 0;
        Supplier<String> current = () -> "nothing yet";
        long base = 1;
        try {
            for (; op < operations; op++) {
                int kind = random.nextInt(100);
                long s = base + random.nextInt(12);
                if (random.nextInt(4) == 0) {
                    base++;
                }
                if (kind < 30) {
                    Bytes k = key(random);
                    Bytes v = value(random, op);
                    current = () -> "put(" + k + ", " + v + ", " + s + ")";
                    table.put(k, v, s);
                    model.put(k, v, s);
                } else if (kind < 40) {
                    Bytes k = key(random);
                    current = () -> "delete(" + k + ", " + s + ")";
                    table.delete(k, s);
                    model.delete(k, s);
                } else if (kind < 48) {
                    WriteBatch batch = batch(random, op);
                    current = () -> "write(" + batch.entries() + ", " + s + ")";
                    table.write(batch, s);
                    model.write(batch, s);
                } else if (kind < 53) {
                    Bytes k = key(random);
                    Bytes v = value(random, op);
                    current = () -> "put(" + k + ", " + v + ") without a sequence";
                    table.put(k, v);
                    long taken = model.takeNext();
                    model.put(k, v, taken);
                    base = Math.max(base, taken);
                } else if (kind < 55) {
                    WriteBatch batch = batch(random, op);
                    current = () -> "write(" + batch.entries() + ") without a sequence";
                    table.write(batch);
                    long taken = model.takeNext();
                    model.write(batch, taken);
                    base = Math.max(base, taken);
                } else if (kind < 75) {
                    Bytes k = key(random);
                    long r = readSequence(random, base);
                    current = () -> "get(" + k + ", " + r + ")";
                    Optional<Bytes> got = table.get(k, r);
                    Optional<Bytes> want = model.get(k, r);
                    check(want.equals(got), () -> "returned " + got + ", expected " + want);
                } else if (kind < 90) {
                    Bound lower = bound(random);
                    Bound upper = bound(random);
                    long r = readSequence(random, base);
                    current = () -> "scan(" + lower + ", " + upper + ", " + r + ")";
                    List<Version> got = TckSupport.scanAt(table, lower, upper, r);
                    List<Version> want = model.scan(lower, upper, r);
                    check(want.equals(got), () -> "yielded " + got + ", expected " + want);
                } else if (kind < 96) {
                    Bound lower = bound(random);
                    Bound upper = bound(random);
                    current = () -> "versions(" + lower + ", " + upper + ")";
                    List<Version> got = TckSupport.versionsOf(table, lower, upper);
                    List<Version> want = model.versions(lower, upper);
                    check(want.equals(got), () -> "yielded " + got + ", expected " + want);
                } else {
                    current = () -> "approximateSize() and lastSequence()";
                    long size = table.approximateSize();
                    check(size == model.approximateSize(), () -> "approximateSize() returned "
                            + size + ", expected " + model.approximateSize());
                    long last = table.lastSequence();
                    check(last == model.lastSequence(), () -> "lastSequence() returned " + last
                            + ", expected " + model.lastSequence());
                }
            }
            current = () -> "the final versions()";
            List<Version> all = TckSupport.versionsOf(table);
            check(all.equals(model.versions()), () -> "yielded " + all + ", expected "
                    + model.versions());
        } catch (AssertionError | RuntimeException e) {
            String what = current.get();
            AssertionError failure = new AssertionError("seed " + seed + ", operation #" + op
                    + " of " + operations + ", " + what + ": "
                    + (e instanceof AssertionError ? e.getMessage() : "the backend threw " + e)
                    + " (replay with -D" + DifferentialRules.SEED_PROPERTY + "=" + seed + ")",
                    e);
            throw failure;
        }
    }

    private static Bytes key(SplittableRandom random) {
        return KEYS.get(random.nextInt(KEYS.size()));
    }

    private static Bytes value(SplittableRandom random, int op) {
        return random.nextInt(5) == 0 ? Bytes.EMPTY : Bytes.ofUtf8("v" + op);
    }

    private static WriteBatch batch(SplittableRandom random, int op) {
        WriteBatch batch = new WriteBatch();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            batch.put(key(random), value(random, op * 10 + i));
        }
        return batch;
    }

    /** A read sequence: mostly near the written ones, sometimes 0 or the newest. */
    private static long readSequence(SplittableRandom random, long base) {
        int r = random.nextInt(10);
        if (r == 0) {
            return 0;
        }
        if (r == 1) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, base - 3 + random.nextInt(16));
    }

    private static Bound bound(SplittableRandom random) {
        int r = random.nextInt(4);
        if (r == 0) {
            return Bound.unbounded();
        }
        Bytes k = key(random);
        return r == 1 ? Bound.included(k) : Bound.excluded(k);
    }

    private static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new AssertionError(message.get());
        }
    }
}
