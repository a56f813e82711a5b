package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.concat;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.entry;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.keys;
import static dev.memtable.tck.TckSupport.scanAll;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code scan01}–{@code scan12}: which entries a {@code scan(lower, upper)} yields. The
 * populated table of these rules holds {@code b}, {@code d} and {@code f} (values {@code vb},
 * {@code vd}, {@code vf}); bounds are tried on present keys, on absent keys between them and
 * beyond both ends, and on the empty key.
 */
public interface ScanRules extends ContractSupport {

    /**
     * <b>scan01</b>: {@code scan(unbounded, unbounded)} yields every entry, ascending, with its
     * value.
     * <p>If it fails: look at the full-range path of the backend's scan.
     */
    @Test
    default void required_scan01_unboundedYieldsEverything() {
        MemTable t = bdf();
        assertEquals(List.of(entry(key("b"), value("vb")), entry(key("d"), value("vd")),
                entry(key("f"), value("vf"))), contents(t), "scan(unbounded, unbounded)");
    }

    /**
     * <b>scan02</b>: an included lower bound admits its key: {@code [d, ∞)} is {@code d f};
     * {@code [c, ∞)} (absent key) is {@code d f}.
     * <p>If it fails: the lower bound's inclusion flag is ignored or inverted.
     */
    @Test
    default void required_scan02_includedLowerBound() {
        MemTable t = bdf();
        assertEquals(List.of(key("d"), key("f")),
                keys(scanAll(t, Bound.included(key("d")), Bound.unbounded())), "scan([d, ∞))");
        assertEquals(List.of(key("d"), key("f")),
                keys(scanAll(t, Bound.included(key("c")), Bound.unbounded())), "scan([c, ∞))");
    }

    /**
     * <b>scan03</b>: an excluded lower bound skips its key: {@code (d, ∞)} is {@code f};
     * {@code (c, ∞)} (absent key) is {@code d f}.
     * <p>If it fails with {@code d} in the result: the lower bound's inclusion flag is ignored
     * (e.g. {@code tailMap(key)} instead of {@code tailMap(key, false)}).
     */
    @Test
    default void required_scan03_excludedLowerBound() {
        MemTable t = bdf();
        assertEquals(List.of(key("f")),
                keys(scanAll(t, Bound.excluded(key("d")), Bound.unbounded())), "scan((d, ∞))");
        assertEquals(List.of(key("d"), key("f")),
                keys(scanAll(t, Bound.excluded(key("c")), Bound.unbounded())), "scan((c, ∞))");
    }

    /**
     * <b>scan04</b>: an included upper bound admits its key: {@code (-∞, d]} is {@code b d};
     * {@code (-∞, e]} (absent key) is {@code b d}.
     * <p>If it fails: the upper bound's inclusion flag is ignored (e.g. {@code headMap(key)}
     * excludes by default).
     */
    @Test
    default void required_scan04_includedUpperBound() {
        MemTable t = bdf();
        assertEquals(List.of(key("b"), key("d")),
                keys(scanAll(t, Bound.unbounded(), Bound.included(key("d")))), "scan((-∞, d])");
        assertEquals(List.of(key("b"), key("d")),
                keys(scanAll(t, Bound.unbounded(), Bound.included(key("e")))), "scan((-∞, e])");
    }

    /**
     * <b>scan05</b>: an excluded upper bound stops before its key: {@code (-∞, d)} is {@code b};
     * {@code (-∞, e)} (absent key) is {@code b d}.
     * <p>If it fails with {@code d} in the result: the upper bound's inclusion flag is ignored.
     */
    @Test
    default void required_scan05_excludedUpperBound() {
        MemTable t = bdf();
        assertEquals(List.of(key("b")),
                keys(scanAll(t, Bound.unbounded(), Bound.excluded(key("d")))), "scan((-∞, d))");
        assertEquals(List.of(key("b"), key("d")),
                keys(scanAll(t, Bound.unbounded(), Bound.excluded(key("e")))), "scan((-∞, e))");
    }

    /**
     * <b>scan06</b>: all nine combinations of lower and upper bound kind (included, excluded,
     * unbounded) give exactly the entries the reference model gives, for every bound key among
     * the empty key, {@code a} … {@code g} (present, absent between, and beyond both ends): 289
     * scans, inverted and empty ranges included, none of which may throw.
     * <p>If it fails: the message lists the failing kind combinations and the first wrong scans;
     * compare them with scan02–scan05 and scan08–scan09.
     */
    @Test
    default void required_scan06_nineBoundCombinationsOnPopulatedTable() {
        MemTable t = bdf();
        ReferenceModel model = new ReferenceModel();
        model.put(key("b"), value("vb"));
        model.put(key("d"), value("vd"));
        model.put(key("f"), value("vf"));
        checkEveryCombination(t, model);
    }

    /**
     * <b>scan07</b>: on an empty table, all nine combinations of bound kinds, with the same bound
     * keys as scan06, yield an empty iterator and never throw.
     * <p>If it fails: the range code of the backend assumes a non-empty map (e.g. reads a first
     * or last key without checking).
     */
    @Test
    default void required_scan07_nineBoundCombinationsOnEmptyTable() {
        checkEveryCombination(newTable(), new ReferenceModel());
    }

    /**
     * <b>scan08</b>: an empty range yields an empty iterator, not an exception:
     * {@code [d, d)}, {@code (d, d]}, {@code (d, d)}, and {@code (d, d\x00)} (no key lies
     * strictly between); {@code [d, d\x00)} yields {@code d} alone.
     * <p>If it fails with an exception: the backend hands equal bounds to a map view that
     * rejects them; answer empty ranges before building the view.
     */
    @Test
    default void required_scan08_emptyRangeYieldsNothing() {
        MemTable t = bdf();
        Bytes d = key("d");
        Bytes d0 = concat(d, Bytes.wrap(new byte[] {0}));
        t.put(d0, value("vd0"));
        assertEquals(List.of(), scanAll(t, Bound.included(d), Bound.excluded(d)), "scan([d, d))");
        assertEquals(List.of(), scanAll(t, Bound.excluded(d), Bound.included(d)), "scan((d, d])");
        assertEquals(List.of(), scanAll(t, Bound.excluded(d), Bound.excluded(d)), "scan((d, d))");
        assertEquals(List.of(), scanAll(t, Bound.excluded(d), Bound.excluded(d0)),
                "scan((d, d\\x00))");
        assertEquals(List.of(d), keys(scanAll(t, Bound.included(d), Bound.excluded(d0))),
                "scan([d, d\\x00))");
    }

    /**
     * <b>scan09</b>: an inverted range (lower above upper) yields an empty iterator, not an
     * exception, whatever the bound kinds and whether the keys are present.
     * <p>If it fails with {@code IllegalArgumentException}: {@code subMap(from, to)} rejects
     * {@code from > to}; check the order of the bounds first.
     */
    @Test
    default void required_scan09_invertedRangeYieldsNothing() {
        MemTable t = bdf();
        Bytes f = key("f");
        Bytes b = key("b");
        assertEquals(List.of(), scanAll(t, Bound.included(f), Bound.included(b)), "scan([f, b])");
        assertEquals(List.of(), scanAll(t, Bound.excluded(f), Bound.excluded(b)), "scan((f, b))");
        assertEquals(List.of(), scanAll(t, Bound.included(f), Bound.excluded(b)), "scan([f, b))");
        assertEquals(List.of(), scanAll(t, Bound.included(key("z")), Bound.included(key("a"))),
                "scan([z, a])");
        assertEquals(List.of(), scanAll(t, Bound.included(key("e")), Bound.included(key("c"))),
                "scan([e, c])");
    }

    /**
     * <b>scan10</b>: {@code [d, d]} yields exactly {@code d}; {@code [c, c]} (absent) yields
     * nothing.
     * <p>If it fails: a range with equal included bounds is wrongly treated as empty, or the
     * lookup of a single key by range is off by one.
     */
    @Test
    default void required_scan10_singleKeyRange() {
        MemTable t = bdf();
        assertEquals(List.of(entry(key("d"), value("vd"))),
                scanAll(t, Bound.included(key("d")), Bound.included(key("d"))), "scan([d, d])");
        assertEquals(List.of(),
                scanAll(t, Bound.included(key("c")), Bound.included(key("c"))), "scan([c, c])");
    }

    /**
     * <b>scan11</b>: scans yield tombstones, in key order, as entries with an empty value, both
     * of deleted keys and of keys deleted without ever being put; bounds apply to them as to any
     * key.
     * <p>If it fails: the backend drops tombstones (removes the key) or filters empty values out
     * of its iterator; a memtable must hand tombstones to the merge above it.
     */
    @Test
    default void required_scan11_tombstonesAreYielded() {
        MemTable t = bdf();
        t.delete(key("d"));
        t.delete(key("c"));
        assertEquals(List.of(entry(key("b"), value("vb")), entry(key("c"), Bytes.EMPTY),
                entry(key("d"), Bytes.EMPTY), entry(key("f"), value("vf"))), contents(t),
                "scan after deleting d and c");
        assertEquals(List.of(entry(key("c"), Bytes.EMPTY), entry(key("d"), Bytes.EMPTY)),
                scanAll(t, Bound.excluded(key("b")), Bound.excluded(key("f"))), "scan((b, f))");
    }

    /**
     * <b>scan12</b>: a scan over thousands of entries yields every one exactly once, ascending,
     * also when it starts or stops at keys around the multiples of 64 and 128 where a backend
     * that reads in chunks re-seeks.
     * <p>If it fails with a missing or repeated key: look at how the iterator resumes after a
     * chunk (it must seek strictly after the last key it returned).
     */
    @Test
    default void required_scan12_longScansYieldEveryEntryOnce() {
        MemTable t = newTable();
        ReferenceModel model = new ReferenceModel();
        int n = 3000;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(12));
        Function<Integer, Bytes> k = i -> key(String.format("key%05d", i));
        for (int i : order) {
            Bytes v = i % 7 == 0 ? Bytes.EMPTY : value("v" + i);
            t.put(k.apply(i), v);
            model.put(k.apply(i), v);
        }
        List<Map.Entry<Bytes, Bytes>> all = contents(t);
        if (!all.equals(model.entries())) {
            fail("full scan yielded " + all.size() + " entries, expected " + n
                    + "; first difference at " + firstDifference(model.entries(), all));
        }
        for (int from : new int[] {0, 1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000}) {
            Bytes start = k.apply(from);
            for (Bound lower : List.of(Bound.included(start), Bound.excluded(start))) {
                for (Bound upper : List.of(Bound.unbounded(), Bound.excluded(k.apply(from + 129)),
                        Bound.included(k.apply(from + 256)))) {
                    List<Map.Entry<Bytes, Bytes>> got = scanAll(t, lower, upper);
                    List<Map.Entry<Bytes, Bytes>> want = model.range(lower, upper);
                    if (!want.equals(got)) {
                        fail("scan(" + lower + ", " + upper + ") yielded " + got.size()
                                + " entries, expected " + want.size() + "; first difference at "
                                + firstDifference(want, got));
                    }
                }
            }
        }
    }

    /** Creates a table holding b, d, f. */
    private MemTable bdf() {
        MemTable t = newTable();
        t.put(key("d"), value("vd"));
        t.put(key("f"), value("vf"));
        t.put(key("b"), value("vb"));
        return t;
    }

    /** Compares every bound combination on {@code t} with {@code model}; fails listing all. */
    private void checkEveryCombination(MemTable t, ReferenceModel model) {
        List<Bytes> boundKeys = new ArrayList<>();
        boundKeys.add(Bytes.EMPTY);
        for (char c = 'a'; c <= 'g'; c++) {
            boundKeys.add(key(String.valueOf(c)));
        }
        List<Function<Bytes, Bound>> kinds = List.of(Bound::included, Bound::excluded,
                k -> Bound.unbounded());
        List<String> kindNames = List.of("included", "excluded", "unbounded");
        List<String> wrong = new ArrayList<>();
        Set<String> wrongKinds = new LinkedHashSet<>();
        int scans = 0;
        for (int lk = 0; lk < 3; lk++) {
            for (int uk = 0; uk < 3; uk++) {
                List<Bytes> lowers = lk == 2 ? List.of(Bytes.EMPTY) : boundKeys;
                List<Bytes> uppers = uk == 2 ? List.of(Bytes.EMPTY) : boundKeys;
                for (Bytes lowKey : lowers) {
                    for (Bytes highKey : uppers) {
                        Bound lower = kinds.get(lk).apply(lowKey);
                        Bound upper = kinds.get(uk).apply(highKey);
                        scans++;
                        List<Map.Entry<Bytes, Bytes>> want = model.range(lower, upper);
                        String got;
                        try {
                            List<Map.Entry<Bytes, Bytes>> entries = scanAll(t, lower, upper);
                            if (entries.equals(want)) {
                                continue;
                            }
                            got = entries.toString();
                        } catch (RuntimeException e) {
                            got = "threw " + e;
                        }
                        wrongKinds.add(kindNames.get(lk) + " × " + kindNames.get(uk));
                        wrong.add("scan(" + lower + ", " + upper + "): expected " + want
                                + " but got " + got);
                    }
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " of " + scans + " scans were wrong; failing lower × upper kinds: "
                    + wrongKinds + "; first ones:\n  "
                    + String.join("\n  ", wrong.subList(0, Math.min(12, wrong.size()))));
        }
    }

    /** Describes where two entry lists first differ. */
    private static String firstDifference(List<Map.Entry<Bytes, Bytes>> want,
                                          List<Map.Entry<Bytes, Bytes>> got) {
        int i = 0;
        while (i < want.size() && i < got.size() && want.get(i).equals(got.get(i))) {
            i++;
        }
        return "index " + i + ": expected " + (i < want.size() ? want.get(i) : "the end")
                + " but got " + (i < got.size() ? got.get(i) : "the end");
    }
}
