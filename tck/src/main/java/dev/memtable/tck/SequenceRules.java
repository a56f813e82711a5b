package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.scanAt;
import static dev.memtable.tck.TckSupport.value;
import static dev.memtable.tck.TckSupport.versionsOf;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.tck.VersionModel.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rules {@code seq01}–{@code seq12}: versions and sequence numbers, single-threaded. Every write
 * is a version {@code (key, sequence, value)}; a read at sequence {@code s} sees, for each key,
 * the version with the highest sequence {@code <= s}; the newest version of a key is the one with
 * the highest sequence, whatever the order writes arrive in; rewriting a {@code (key, sequence)}
 * replaces that version; a batch is one sequence; {@code lastSequence()} is the highest sequence
 * held; {@code versions()} yields every version, keys ascending and sequences descending. The rules
 * that need a log are in {@link SequenceLogRules}, the concurrent ones in
 * {@link VersionConcurrencyRules}.
 *
 * <p>When one fails, look first at how the backend orders a key's versions (by sequence, never by
 * arrival) and at the comparison of a version's sequence with the read sequence ({@code <=}).
 */
public interface SequenceRules extends ContractSupport {

    /**
     * <b>seq01</b>: {@code get(key, s)} answers with the version of the highest sequence at or
     * below {@code s}: at a version's own sequence that version, one below it the older one,
     * below every version (and at 0) nothing, at {@link Long#MAX_VALUE} the newest, as
     * {@code get(key)} does.
     * <p>If it fails: the comparison of a version's sequence with the read sequence must be
     * {@code <=}; a read below every version must answer {@code Optional.empty()}.
     */
    @Test
    default void required_seq01_getAtSequenceSeesTheVersionAtOrBelowIt() {
        MemTable t = newTable();
        t.put(key("k"), value("v5"), 5);
        t.put(key("k"), value("v10"), 10);
        t.put(key("other"), value("o7"), 7);
        Map<Long, Optional<Bytes>> expected = new java.util.LinkedHashMap<>();
        expected.put(0L, Optional.empty());
        expected.put(1L, Optional.empty());
        expected.put(4L, Optional.empty());
        expected.put(5L, Optional.of(value("v5")));
        expected.put(6L, Optional.of(value("v5")));
        expected.put(9L, Optional.of(value("v5")));
        expected.put(10L, Optional.of(value("v10")));
        expected.put(11L, Optional.of(value("v10")));
        expected.put(MemTable.MAX_SEQUENCE, Optional.of(value("v10")));
        expected.put(Long.MAX_VALUE, Optional.of(value("v10")));
        List<Executable> checks = new ArrayList<>();
        expected.forEach((s, want) -> checks.add(() -> assertEquals(want, t.get(key("k"), s),
                "get(k, " + s + ") with versions k@5=v5, k@10=v10")));
        checks.add(() -> assertEquals(Optional.of(value("v10")), t.get(key("k")),
                "get(k): the newest version"));
        checks.add(() -> assertEquals(Optional.empty(), t.get(key("other"), 6),
                "get(other, 6) with only other@7"));
        checks.add(() -> assertEquals(Optional.empty(), t.get(key("absent"), Long.MAX_VALUE),
                "get(absent, Long.MAX_VALUE)"));
        assertAll("reads at sequences", checks.stream());
    }

    /**
     * <b>seq02</b>: {@code scan(lower, upper, s)} yields, for each key in range, its version
     * visible at {@code s} (value and {@code sequence()}), and leaves out a key with no version
     * at or below {@code s}; at 0 it yields nothing, at {@link Long#MAX_VALUE} what
     * {@code scan(lower, upper)} yields.
     * <p>If it fails: a scan must apply the read sequence to every key, like {@code get}; a key
     * whose versions are all above the read sequence is skipped, not yielded empty.
     */
    @Test
    default void required_seq02_scanAtSequenceSeesTheVersionsAtOrBelowIt() {
        MemTable t = newTable();
        t.put(key("a"), value("a3"), 3);
        t.put(key("a"), value("a9"), 9);
        t.put(key("b"), value("b6"), 6);
        t.put(key("c"), value("c1"), 1);
        t.put(key("c"), value("c6"), 6);
        t.put(key("d"), value("d12"), 12);
        Version a3 = new Version(key("a"), 3, value("a3"));
        Version a9 = new Version(key("a"), 9, value("a9"));
        Version b6 = new Version(key("b"), 6, value("b6"));
        Version c1 = new Version(key("c"), 1, value("c1"));
        Version c6 = new Version(key("c"), 6, value("c6"));
        Version d12 = new Version(key("d"), 12, value("d12"));
        assertAll("scans at sequences",
                () -> assertEquals(List.of(), scanAt(t, 0), "scan at 0"),
                () -> assertEquals(List.of(c1), scanAt(t, 1), "scan at 1"),
                () -> assertEquals(List.of(a3, c1), scanAt(t, 5), "scan at 5"),
                () -> assertEquals(List.of(a3, b6, c6), scanAt(t, 6), "scan at 6"),
                () -> assertEquals(List.of(a3, b6, c6), scanAt(t, 8), "scan at 8"),
                () -> assertEquals(List.of(a9, b6, c6), scanAt(t, 9), "scan at 9"),
                () -> assertEquals(List.of(a9, b6, c6), scanAt(t, 11), "scan at 11"),
                () -> assertEquals(List.of(a9, b6, c6, d12), scanAt(t, 12), "scan at 12"),
                () -> assertEquals(List.of(a9, b6, c6, d12), scanAt(t, Long.MAX_VALUE),
                        "scan at Long.MAX_VALUE"),
                () -> assertEquals(List.of(c1), scanAt(t, Bound.excluded(key("a")),
                        Bound.included(key("d")), 5), "scan((a, d], 5)"),
                () -> assertEquals(List.of(b6, c6, d12), scanAt(t, Bound.excluded(key("a")),
                        Bound.included(key("d")), 12), "scan((a, d], 12)"),
                () -> assertEquals(List.of(a3), scanAt(t, Bound.included(key("a")),
                        Bound.excluded(key("b")), 8), "scan([a, b), 8)"),
                () -> assertEquals(List.of(a9.value(), b6.value(), c6.value(), d12.value()),
                        contents(t).stream().map(Map.Entry::getValue).toList(),
                        "scan(): the newest versions"));
    }

    /**
     * <b>seq03</b>: a tombstone version at {@code s} hides the key's older versions from every
     * read at {@code s} or above (get answers the empty value, scan yields a tombstone with
     * sequence {@code s}), and the older value stays visible below {@code s}; a newer value
     * brings the key back.
     * <p>If it fails: a read must stop at the first version at or below its sequence, tombstone
     * or not, and never look past a tombstone for an older value.
     */
    @Test
    default void required_seq03_tombstoneHidesOlderVersionsAtAndAboveItsSequence() {
        MemTable t = newTable();
        t.put(key("k"), value("v5"), 5);
        t.delete(key("k"), 8);
        t.put(key("k"), value("v12"), 12);
        t.put(key("j"), value("j2"), 2);
        t.write(new WriteBatch().delete(key("j")), 4);
        assertAll("reads around tombstones",
                () -> assertEquals(Optional.of(value("v5")), t.get(key("k"), 7), "get(k, 7)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("k"), 8), "get(k, 8)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("k"), 11), "get(k, 11)"),
                () -> assertEquals(Optional.of(value("v12")), t.get(key("k"), 12), "get(k, 12)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("j"), 4), "get(j, 4)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("j"), 100), "get(j, 100)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("j")), "get(j)"),
                () -> assertEquals(Optional.of(value("j2")), t.get(key("j"), 3), "get(j, 3)"),
                () -> assertEquals(List.of(new Version(key("j"), 4, Bytes.EMPTY),
                        new Version(key("k"), 8, Bytes.EMPTY)), scanAt(t, 10), "scan at 10"),
                () -> assertEquals(List.of(new Version(key("j"), 2, value("j2"))), scanAt(t, 3),
                        "scan at 3"),
                () -> assertEquals(List.of(new Version(key("j"), 4, Bytes.EMPTY),
                        new Version(key("k"), 5, value("v5"))), scanAt(t, 7), "scan at 7"));
    }

    /**
     * <b>seq04</b>: writes may arrive out of sequence order: after {@code put(k, v11, 11)} then
     * {@code put(k, v10, 10)}, the newest version is {@code v11} (for {@code get(k)}, a scan and
     * {@code versions()}), and a read at 10 sees {@code v10}. A late tombstone below the newest
     * version hides nothing above it.
     * <p>If it fails: the backend takes the last version inserted for the newest; order a key's
     * versions by sequence.
     */
    @Test
    default void required_seq04_outOfOrderArrivalKeepsTheHighestSequenceNewest() {
        MemTable t = newTable();
        t.put(key("k"), value("v11"), 11);
        t.put(key("k"), value("v10"), 10);
        t.put(key("m"), value("m20"), 20);
        t.delete(key("m"), 15);
        t.put(key("m"), value("m3"), 3);
        assertAll("reads after out-of-order writes",
                () -> assertEquals(Optional.of(value("v11")), t.get(key("k")), "get(k)"),
                () -> assertEquals(Optional.of(value("v10")), t.get(key("k"), 10), "get(k, 10)"),
                () -> assertEquals(Optional.of(value("v11")), t.get(key("k"), 11), "get(k, 11)"),
                () -> assertEquals(Optional.of(value("m20")), t.get(key("m")), "get(m)"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("m"), 19), "get(m, 19)"),
                () -> assertEquals(Optional.of(value("m3")), t.get(key("m"), 14), "get(m, 14)"),
                () -> assertEquals(List.of(new Version(key("k"), 11, value("v11")),
                        new Version(key("m"), 20, value("m20"))), scanAt(t, Long.MAX_VALUE),
                        "scan of the newest versions"),
                () -> assertEquals(List.of(new Version(key("k"), 10, value("v10")),
                        new Version(key("m"), 3, value("m3"))), scanAt(t, 10), "scan at 10"),
                () -> assertEquals(List.of(new Version(key("k"), 11, value("v11")),
                        new Version(key("k"), 10, value("v10")),
                        new Version(key("m"), 20, value("m20")),
                        new Version(key("m"), 15, Bytes.EMPTY),
                        new Version(key("m"), 3, value("m3"))), versionsOf(t), "versions()"),
                () -> assertEquals(20, t.lastSequence(), "lastSequence()"));
    }

    /**
     * <b>seq05</b>: writing a {@code (key, sequence)} the table holds replaces that version's
     * value, and only that one: the key's other versions stay, {@code versions()} lists the
     * sequence once, a tombstone version rewritten with a value reads as the value (and a value
     * rewritten as a tombstone as a tombstone), and the size still grows by every write.
     * <p>If it fails: an equal sequence must replace the version in place (not add a second
     * version, and not leave its tombstone flag behind).
     */
    @Test
    default void required_seq05_rewrittenVersionReplacesOnlyThatVersion() {
        MemTable t = newTable();
        t.put(key("k"), value("a"), 5);
        t.put(key("k"), value("b"), 7);
        t.put(key("k"), value("A"), 5);
        t.delete(key("d"), 4);
        t.put(key("d"), value("x"), 4);
        t.put(key("e"), value("y"), 6);
        t.delete(key("e"), 6);
        long v = MemTable.VERSION_BYTES;
        assertAll("after rewriting versions",
                () -> assertEquals(Optional.of(value("A")), t.get(key("k"), 5), "get(k, 5)"),
                () -> assertEquals(Optional.of(value("A")), t.get(key("k"), 6), "get(k, 6)"),
                () -> assertEquals(Optional.of(value("b")), t.get(key("k"), 7), "get(k, 7)"),
                () -> assertEquals(Optional.of(value("x")), t.get(key("d")), "get(d): the"
                        + " tombstone at 4 rewritten with a value"),
                () -> assertEquals(Optional.of(Bytes.EMPTY), t.get(key("e")), "get(e): the"
                        + " value at 6 rewritten as a tombstone"),
                () -> assertEquals(List.of(new Version(key("d"), 4, value("x")),
                        new Version(key("e"), 6, Bytes.EMPTY),
                        new Version(key("k"), 7, value("b")),
                        new Version(key("k"), 5, value("A"))), versionsOf(t),
                        "versions(): one version per (key, sequence)"),
                () -> assertEquals(3 * (2 + v) + (1 + v) + (2 + v) + (2 + v) + (1 + v),
                        t.approximateSize(), "size: every write counts, rewrites included"),
                () -> assertEquals(7, t.lastSequence(), "lastSequence()"));
    }

    /**
     * <b>seq06</b>: a batch is one sequence: after {@code write(batch, 20)} every entry is
     * visible at 20 and none at 19, each with {@code sequence()} 20; a key the batch holds twice
     * has one version, its last entry; an unversioned {@code write(batch)} takes exactly one new
     * sequence, {@code lastSequence() + 1}, for all of its entries.
     * <p>If it fails: the backend numbers a batch's entries one by one (as RocksDB does inside a
     * batch), or applies them through the unversioned put, which takes a sequence each.
     */
    @Test
    default void required_seq06_batchIsWrittenAtOneSequence() {
        MemTable t = newTable();
        t.put(key("a"), value("old"), 10);
        t.write(new WriteBatch().put(key("a"), value("1")).delete(key("b"))
                .put(key("c"), value("first")).put(key("c"), value("3")), 20);
        assertAll("a batch at 20",
                () -> assertEquals(List.of(new Version(key("a"), 20, value("1")),
                        new Version(key("b"), 20, Bytes.EMPTY),
                        new Version(key("c"), 20, value("3"))), scanAt(t, 20), "scan at 20"),
                () -> assertEquals(List.of(new Version(key("a"), 10, value("old"))),
                        scanAt(t, 19), "scan at 19: none of the batch"),
                () -> assertEquals(List.of(new Version(key("a"), 20, value("1")),
                        new Version(key("a"), 10, value("old")),
                        new Version(key("b"), 20, Bytes.EMPTY),
                        new Version(key("c"), 20, value("3"))), versionsOf(t),
                        "versions(): c once, with the batch's last entry for it"),
                () -> assertEquals(20, t.lastSequence(), "lastSequence() after the batch"));
        t.write(new WriteBatch().put(key("x"), value("9")).put(key("y"), value("9"))
                .delete(key("a")));
        long s = t.lastSequence();
        assertAll("an unversioned batch after it",
                () -> assertEquals(21, s, "lastSequence() after an unversioned three-entry"
                        + " batch: one new sequence"),
                () -> assertEquals(List.of(new Version(key("a"), 21, Bytes.EMPTY),
                        new Version(key("b"), 20, Bytes.EMPTY),
                        new Version(key("c"), 20, value("3")),
                        new Version(key("x"), 21, value("9")),
                        new Version(key("y"), 21, value("9"))), scanAt(t, 21), "scan at 21"),
                () -> assertEquals(Optional.empty(), t.get(key("x"), 20), "get(x, 20)"));
    }

    /**
     * <b>seq07</b>: {@code lastSequence()} is 0 for a fresh table and the highest sequence
     * written, not the last one; an unversioned write takes one above every sequence written
     * before it (so it is the newest version of its key), and {@code lastSequence()} follows.
     * <p>If it fails: keep {@code lastSequence()} as a maximum (raise it with compare-and-set),
     * and let versioned writes raise the counter unversioned writes take from.
     */
    @Test
    default void required_seq07_lastSequenceIsTheHighestWritten() {
        MemTable t = newTable();
        assertEquals(0, t.lastSequence(), "lastSequence() of a fresh table");
        t.put(key("a"), value("1"), 10);
        assertEquals(10, t.lastSequence(), "after put at 10");
        t.put(key("b"), value("2"), 30);
        t.put(key("c"), value("3"), 20);
        t.delete(key("a"), 25);
        t.write(new WriteBatch().put(key("d"), value("4")), 5);
        assertEquals(30, t.lastSequence(), "after writes at 10, 30, 20, 25 and 5");
        t.put(key("c"), value("new"));
        assertAll("an unversioned put after versioned writes",
                () -> assertEquals(31, t.lastSequence(), "lastSequence(): one above 30"),
                () -> assertEquals(Optional.of(value("new")), t.get(key("c")),
                        "get(c): the unversioned put is the newest version"),
                () -> assertEquals(Optional.of(value("3")), t.get(key("c"), 30), "get(c, 30)"),
                () -> assertEquals(List.of(new Version(key("c"), 31, value("new")),
                        new Version(key("c"), 20, value("3"))),
                        versionsOf(t, Bound.included(key("c")), Bound.included(key("c"))),
                        "versions of c"));
        t.delete(key("b"));
        t.put(key("z"), value("late"), 12);
        assertEquals(32, t.lastSequence(), "after an unversioned delete and a put at 12");
        t.put(key("m"), value("top"), MemTable.MAX_SEQUENCE);
        assertEquals(MemTable.MAX_SEQUENCE, t.lastSequence(), "after a put at MAX_SEQUENCE");
        assertEquals(Optional.of(value("top")), t.get(key("m"), MemTable.MAX_SEQUENCE),
                "get(m, MAX_SEQUENCE)");
    }

    /**
     * <b>seq08</b>: a write sequence outside {@code 1 .. MAX_SEQUENCE} (0, -1,
     * {@code MAX_SEQUENCE + 1}, {@link Long#MIN_VALUE}, {@link Long#MAX_VALUE}) is refused by
     * versioned put, delete and write with an {@link IllegalArgumentException} whose message
     * holds the sequence, and changes nothing: contents, versions, size and
     * {@code lastSequence()}.
     * <p>If it fails: check the sequence ({@code MemTable.checkWriteSequence}) before anything
     * else, as for the key and value.
     */
    @Test
    default void required_seq08_badWriteSequenceIsRefused() {
        MemTable t = newTable();
        t.put(key("k"), value("v"), 3);
        t.delete(key("t"), 4);
        List<Version> before = versionsOf(t);
        long size = t.approximateSize();
        List<Executable> checks = new ArrayList<>();
        for (long bad : new long[] {0, -1, MemTable.MAX_SEQUENCE + 1, Long.MIN_VALUE,
                Long.MAX_VALUE}) {
            refusedSequence(checks, t, "put(k, w, " + bad + ")",
                    x -> x.put(key("k"), value("w"), bad), bad);
            refusedSequence(checks, t, "delete(k, " + bad + ")", x -> x.delete(key("k"), bad),
                    bad);
            refusedSequence(checks, t, "write(batch, " + bad + ")",
                    x -> x.write(new WriteBatch().put(key("n"), value("w")), bad), bad);
        }
        assertAll("bad write sequences", checks.stream());
        assertAll("after the refused writes",
                () -> assertEquals(before, versionsOf(t), "versions()"),
                () -> assertEquals(size, t.approximateSize(), "approximateSize()"),
                () -> assertEquals(4, t.lastSequence(), "lastSequence()"),
                () -> assertEquals(Optional.of(value("v")), t.get(key("k")), "get(k)"));
    }

    /**
     * <b>seq09</b>: a negative read sequence (-1, {@link Long#MIN_VALUE}) is refused by
     * {@code get} and {@code scan} with an {@link IllegalArgumentException} whose message holds
     * the sequence; 0 is a valid read sequence that sees nothing.
     * <p>If it fails: check the read sequence ({@code MemTable.checkReadSequence}); do not take a
     * negative one for "the newest".
     */
    @Test
    default void required_seq09_negativeReadSequenceIsRefused() {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        List<Executable> checks = new ArrayList<>();
        for (long bad : new long[] {-1, Long.MIN_VALUE}) {
            checks.add(() -> assertNamesSequence(assertThrows(IllegalArgumentException.class,
                    () -> t.get(key("k"), bad), "get(k, " + bad + ")"), bad));
            checks.add(() -> assertNamesSequence(assertThrows(IllegalArgumentException.class,
                    () -> t.scan(Bound.unbounded(), Bound.unbounded(), bad).close(),
                    "scan(-∞, ∞, " + bad + ")"), bad));
            checks.add(() -> assertNamesSequence(assertThrows(IllegalArgumentException.class,
                    () -> t.scan(Bound.included(key("b")), Bound.included(key("a")), bad)
                            .close(), "scan of an inverted range at " + bad), bad));
        }
        checks.add(() -> assertEquals(Optional.empty(), t.get(key("k"), 0), "get(k, 0)"));
        checks.add(() -> assertEquals(List.of(), scanAt(t, 0), "scan at 0"));
        assertAll("bad read sequences", checks.stream());
    }

    /**
     * <b>seq10</b>: a closed table refuses the methods of versions with
     * {@link IllegalStateException}: versioned put, delete and write, {@code get} and
     * {@code scan} at a sequence, {@code versions()} and {@code lastSequence()}.
     * <p>If it fails: the methods added with versions need the closed check every other method
     * has.
     */
    @Test
    default void required_seq10_closedTableRefusesTheMethodsOfVersions() throws IOException {
        MemTable t = newTable();
        t.put(key("k"), value("v"), 1);
        t.close();
        Map<String, Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("put(k, v, 2)", () -> t.put(key("k"), value("v"), 2));
        calls.put("delete(k, 2)", () -> t.delete(key("k"), 2));
        calls.put("write(batch, 2)", () -> t.write(new WriteBatch().put(key("k"), value("v")), 2));
        calls.put("get(k, 1)", () -> t.get(key("k"), 1));
        calls.put("scan(-∞, ∞, 1)", () -> t.scan(Bound.unbounded(), Bound.unbounded(), 1));
        calls.put("versions(-∞, ∞)", () -> t.versions(Bound.unbounded(), Bound.unbounded()));
        calls.put("versions([b, a])", () -> t.versions(Bound.included(key("b")),
                Bound.included(key("a"))));
        calls.put("lastSequence()", t::lastSequence);
        assertAll("calls on a closed table", calls.entrySet().stream().map(c -> () ->
                assertThrows(IllegalStateException.class, c.getValue(), c.getKey()
                        + " on a closed table")));
    }

    /**
     * <b>seq11</b>: {@code versions(lower, upper)} yields every version of every key in range:
     * keys ascending, a key's versions by sequence descending, tombstones included, each with its
     * {@code sequence()}; bounds work as for scans, an empty or inverted range and an empty
     * table give nothing.
     * <p>If it fails: the order within a key must be newest first, whatever order the versions
     * were written in.
     */
    @Test
    default void required_seq11_versionsYieldsEveryVersionNewestFirst() {
        MemTable t = newTable();
        assertEquals(List.of(), versionsOf(t), "versions() of a fresh table");
        t.put(key("b"), value("b2"), 2);
        t.put(key("a"), value("a7"), 7);
        t.put(key("b"), value("b9"), 9);
        t.delete(key("a"), 3);
        t.put(key("b"), value("b5"), 5);
        t.put(key("c"), value("c1"), 1);
        t.put(key("a"), value("a4"), 4);
        Version a7 = new Version(key("a"), 7, value("a7"));
        Version a4 = new Version(key("a"), 4, value("a4"));
        Version a3 = new Version(key("a"), 3, Bytes.EMPTY);
        Version b9 = new Version(key("b"), 9, value("b9"));
        Version b5 = new Version(key("b"), 5, value("b5"));
        Version b2 = new Version(key("b"), 2, value("b2"));
        Version c1 = new Version(key("c"), 1, value("c1"));
        assertAll("versions",
                () -> assertEquals(List.of(a7, a4, a3, b9, b5, b2, c1), versionsOf(t),
                        "versions(-∞, ∞)"),
                () -> assertEquals(List.of(b9, b5, b2, c1), versionsOf(t,
                        Bound.excluded(key("a")), Bound.unbounded()), "versions((a, ∞))"),
                () -> assertEquals(List.of(a7, a4, a3, b9, b5, b2), versionsOf(t,
                        Bound.unbounded(), Bound.excluded(key("c"))), "versions((-∞, c))"),
                () -> assertEquals(List.of(b9, b5, b2), versionsOf(t, Bound.included(key("b")),
                        Bound.included(key("b"))), "versions([b, b])"),
                () -> assertEquals(List.of(), versionsOf(t, Bound.included(key("b")),
                        Bound.excluded(key("b"))), "versions([b, b))"),
                () -> assertEquals(List.of(), versionsOf(t, Bound.included(key("c")),
                        Bound.included(key("a"))), "versions([c, a])"));
    }

    /**
     * <b>seq12</b>: random versioned writes (puts, deletes and batches on a small set of keys,
     * at random sequences that arrive out of order and sometimes repeat a version, mixed with
     * unversioned writes) agree with {@link VersionModel} on {@code get} and {@code scan} at
     * random sequences, on {@code versions()}, the size and {@code lastSequence()}. The seed is
     * in the failure message (replay with {@code -Dmemtable.tck.seed}).
     * <p>If it fails: the message names the operation and the read where they disagreed.
     */
    @Test
    default void required_seq12_randomVersionedOperationsMatchModel() {
        SequenceSupport.randomVersionedOperations(newTable(), DifferentialSupport.seed(),
                DifferentialSupport.operations() / 4);
    }

    private static void refusedSequence(List<Executable> checks, MemTable t, String call,
                                        Consumer<MemTable> action, long bad) {
        checks.add(() -> assertNamesSequence(assertThrows(IllegalArgumentException.class,
                () -> action.accept(t), call), bad));
    }

    private static void assertNamesSequence(IllegalArgumentException e, long sequence) {
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains(Long.toString(sequence)), "the IllegalArgumentException"
                + " must name the sequence " + sequence + ", but its message was: " + message);
    }
}
