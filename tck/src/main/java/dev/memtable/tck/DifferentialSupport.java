package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.concat;
import static dev.memtable.tck.TckSupport.contents;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/** The engine of the differential rules. */
final class DifferentialSupport {

    private static final int[] ALPHABET = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x61};
    static final List<Bytes> SHORT_CORNERS = CornerKeys.shortKeys();
    static final List<Bytes> LONG_CORNERS = CornerKeys.longKeys();

    private DifferentialSupport() {
    }

    /** The seed of a run: the system property's if set, else a fresh random one. */
    static long seed() {
        Long fixed = Long.getLong(DifferentialRules.SEED_PROPERTY);
        return fixed != null ? fixed : new SplittableRandom().nextLong();
    }

    /** The number of operations of model01. */
    static int operations() {
        return Integer.getInteger(DifferentialRules.OPERATIONS_PROPERTY,
                DifferentialRules.DEFAULT_OPERATIONS);
    }

    /** A random short key: one of {@link CornerKeys#shortKeys()} one time in four. */
    static Bytes shortKey(SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            return SHORT_CORNERS.get(random.nextInt(SHORT_CORNERS.size()));
        }
        int length = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = (byte) ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return Bytes.wrap(k);
    }

    /**
     * A random long key: one of {@link CornerKeys#longKeys()} one time in four, else one of the
     * {@code prefixes}, cut short or extended by up to two bytes.
     */
    static Bytes longKey(SplittableRandom random, Bytes[] prefixes) {
        if (random.nextInt(4) == 0) {
            return LONG_CORNERS.get(random.nextInt(LONG_CORNERS.size()));
        }
        Bytes prefix = prefixes[random.nextInt(prefixes.length)];
        if (random.nextInt(8) == 0) {
            return prefix.slice(0, prefix.length() - random.nextInt(3));
        }
        byte[] suffix = new byte[random.nextInt(3)];
        for (int i = 0; i < suffix.length; i++) {
            suffix[i] = (byte) ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return concat(prefix, Bytes.wrap(suffix));
    }

    /**
     * Runs {@code operations} random operations on {@code table} and a model, failing on the
     * first disagreement with the seed and the operation in the message.
     */
    static void run(MemTable table, long seed, int operations,
                    Function<SplittableRandom, Bytes> keys) {
        SplittableRandom random = new SplittableRandom(seed);
        ReferenceModel model = new ReferenceModel();
        int op = 0;
        Supplier<String> current = () -> "nothing yet";
        try {
            for (; op < operations; op++) {
                int kind = random.nextInt(100);
                if (kind < 35) {
                    Bytes k = keys.apply(random);
                    Bytes v = randomValue(random);
                    current = () -> "put(" + k + ", " + v + ")";
                    table.put(k, v);
                    model.put(k, v);
                } else if (kind < 50) {
                    Bytes k = keys.apply(random);
                    current = () -> "delete(" + k + ")";
                    table.delete(k);
                    model.delete(k);
                } else if (kind < 70) {
                    Bytes k = keys.apply(random);
                    current = () -> "get(" + k + ")";
                    Optional<Bytes> got = table.get(k);
                    Optional<Bytes> want = model.get(k);
                    check(want.equals(got), () -> "returned " + got + ", expected " + want);
                } else if (kind < 88) {
                    Bound lower = randomBound(random, keys);
                    Bound upper = randomBound(random, keys);
                    // Most scans stop early (and close mid-range); one in eight reads to the end,
                    // crossing any internal chunk boundary of the backend's iterator.
                    int limit = random.nextInt(8) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(64);
                    String reading = limit == Integer.MAX_VALUE ? "to the end"
                            : "up to " + limit + " entries";
                    current = () -> "scan(" + lower + ", " + upper + "), reading " + reading;
                    checkScan(table, lower, upper, model.range(lower, upper), limit);
                } else if (kind < 93) {
                    WriteBatch batch = new WriteBatch();
                    int n = 1 + random.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        batch.put(keys.apply(random), random.nextInt(4) == 0 ? Bytes.EMPTY
                                : randomValue(random));
                    }
                    current = () -> "write(" + batch.entries() + ")";
                    table.write(batch);
                    model.write(batch);
                } else {
                    current = () -> "approximateSize() and isEmpty()";
                    long size = table.approximateSize();
                    check(size == model.approximateSize(), () -> "approximateSize() returned "
                            + size + ", expected " + model.approximateSize());
                    boolean empty = table.isEmpty();
                    check(empty == model.isEmpty(), () -> "isEmpty() returned " + empty);
                }
            }
            current = () -> "the final full scan";
            List<Map.Entry<Bytes, Bytes>> all = contents(table);
            check(all.equals(model.entries()), () -> "yielded " + all.size()
                    + " entries, expected " + model.entryCount() + ": " + all);
        } catch (AssertionError | RuntimeException e) {
            String what = current.get();
            AssertionError failure = new AssertionError("seed " + seed + ", operation #" + op
                    + " of " + operations + ", " + what + ": "
                    + (e instanceof AssertionError ? e.getMessage() : "the backend threw " + e)
                    + " (replay with -D" + DifferentialRules.SEED_PROPERTY + "=" + seed + ")",
                    e instanceof AssertionError ? e.getCause() : e);
            failure.setStackTrace(e.getStackTrace());
            throw failure;
        }
    }

    /**
     * Runs the fixed corner-case phase: puts every key of {@code corners} (in a fixed shuffled
     * order), checks every answer, then deletes every third key and overwrites the others with
     * values of another length, and checks again. Checks: the full scan; {@code get} of every key
     * and of its neighbours one byte longer and shorter; for every key, the first entries from it
     * as an included and an excluded lower bound, and the three bounded scans between it and its
     * predecessor. Deterministic: it needs no seed.
     */
    static void runCornerCases(MemTable table, List<Bytes> corners) {
        ReferenceModel model = new ReferenceModel();
        Step step = new Step();
        try {
            List<Bytes> order = CornerKeys.shuffled(corners);
            for (int i = 0; i < order.size(); i++) {
                Bytes k = order.get(i);
                Bytes v = Bytes.ofUtf8("corner-" + i);
                step.now = () -> "put(" + k + ", " + v + ")";
                table.put(k, v);
                model.put(k, v);
            }
            checkEverything(table, model, step, "after putting every key");
            for (int i = 0; i < order.size(); i++) {
                Bytes k = order.get(i);
                Bytes v = i % 3 == 0 ? Bytes.EMPTY : Bytes.ofUtf8("again-" + i + "-" + i);
                step.now = () -> "put(" + k + ", " + v + ")";
                table.put(k, v);
                model.put(k, v);
            }
            checkEverything(table, model, step, "after deleting every third key and overwriting"
                    + " the others");
        } catch (AssertionError | RuntimeException e) {
            AssertionError failure = new AssertionError("fixed corner cases (every run the same),"
                    + " " + step.now.get() + ": " + (e instanceof AssertionError ? e.getMessage()
                    : "the backend threw " + e), e instanceof AssertionError ? e.getCause() : e);
            failure.setStackTrace(e.getStackTrace());
            throw failure;
        }
    }

    private static void checkEverything(MemTable table, ReferenceModel model, Step step,
                                        String when) {
        step.now = () -> "the full scan " + when;
        List<Map.Entry<Bytes, Bytes>> all = contents(table);
        List<Map.Entry<Bytes, Bytes>> want = model.entries();
        if (!all.equals(want)) {
            int i = 0;
            while (i < all.size() && i < want.size() && all.get(i).equals(want.get(i))) {
                i++;
            }
            int at = i;
            throw new AssertionError("yielded " + all.size() + " entries, expected " + want.size()
                    + "; first difference at index " + at + ": expected "
                    + (at < want.size() ? want.get(at) : "the end") + " but got "
                    + (at < all.size() ? all.get(at) : "the end"));
        }
        Bytes previous = null;
        for (Map.Entry<Bytes, Bytes> e : want) {
            Bytes k = e.getKey();
            List<Bytes> probes = List.of(k, concat(k, Bytes.wrap(new byte[] {0})),
                    k.isEmpty() ? k : k.slice(0, k.length() - 1));
            for (Bytes probe : probes) {
                step.now = () -> "get(" + probe + ") " + when;
                Optional<Bytes> got = table.get(probe);
                Optional<Bytes> expected = model.get(probe);
                check(expected.equals(got), () -> "returned " + got + ", expected " + expected);
            }
            for (Bound lower : List.of(Bound.included(k), Bound.excluded(k))) {
                step.now = () -> "scan(" + lower + ", unbounded) " + when + ", reading 2 entries";
                checkScan(table, lower, Bound.unbounded(), model.range(lower, Bound.unbounded()),
                        2);
            }
            if (previous != null) {
                Bytes p = previous;
                for (Bound[] range : new Bound[][] {
                    {Bound.included(p), Bound.included(k)},
                    {Bound.included(p), Bound.excluded(k)},
                    {Bound.excluded(p), Bound.included(k)}}) {
                    step.now = () -> "scan(" + range[0] + ", " + range[1] + ") " + when;
                    checkScan(table, range[0], range[1], model.range(range[0], range[1]), 3);
                }
            }
            previous = k;
        }
    }

    /** What the corner-case phase is doing, for the failure message. */
    private static final class Step {
        Supplier<String> now = () -> "nothing yet";
    }

    private static Bytes randomValue(SplittableRandom random) {
        byte[] v = new byte[random.nextInt(13)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) random.nextInt(256);
        }
        return Bytes.wrap(v);
    }

    private static Bound randomBound(SplittableRandom random,
                                     Function<SplittableRandom, Bytes> keys) {
        int kind = random.nextInt(5);
        if (kind == 0) {
            return Bound.unbounded();
        }
        Bytes k = keys.apply(random);
        return kind < 3 ? Bound.included(k) : Bound.excluded(k);
    }

    /**
     * Reads up to {@code limit} entries of {@code scan(lower, upper)} and compares them with the
     * model's; if the model has no more than {@code limit}, the iterator must then be at its end.
     */
    private static void checkScan(MemTable table, Bound lower, Bound upper,
                                  List<Map.Entry<Bytes, Bytes>> want, int limit) {
        try (MemTableIterator it = table.scan(lower, upper)) {
            int i = 0;
            for (; i < limit && i < want.size(); i++, it.next()) {
                int at = i;
                check(it.isValid(), () -> "iterator invalid after " + at + " entries, expected "
                        + want.size() + "; next expected " + want.get(at));
                Map.Entry<Bytes, Bytes> got = Map.entry(it.key(), it.value());
                check(got.equals(want.get(i)), () -> "entry " + at + " is " + got + ", expected "
                        + want.get(at));
            }
            if (i == want.size()) {
                check(!it.isValid(), () -> "iterator still valid after all " + want.size()
                        + " expected entries, on " + it.key());
            }
        }
    }

    private static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new AssertionError(message.get());
        }
    }
}
