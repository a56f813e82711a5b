package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rules {@code iter01}–{@code iter07}: the cursor protocol of {@link MemTableIterator}:
 * positioned on the first entry when created, invalid for good after the end, {@code next()}
 * harmless there, {@code key()}/{@code value()}/{@code sequence()} refused with
 * {@link NoSuchElementException} when not positioned, and every method but {@code close} refused
 * with {@link IllegalStateException} once the iterator or its table is closed.
 */
public interface IteratorRules extends ContractSupport {

    /**
     * <b>iter01</b>: a new iterator is already positioned on the first entry in range: valid, with
     * its key, value and sequence readable before any {@code next()}; reading them twice changes
     * nothing, and the sequence is one the table holds ({@code 1 .. lastSequence()}).
     * <p>If it fails: the iterator needs a {@code next()} to reach the first entry (Java
     * {@code Iterator} style); the contract is LevelDB style.
     */
    @Test
    default void required_iter01_newIteratorIsOnFirstEntry() {
        MemTable t = abc();
        try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
            assertTrue(it.isValid(), "a new iterator over a non-empty range is valid");
            assertEquals(key("a"), it.key(), "key() before any next()");
            assertEquals(value("va"), it.value(), "value() before any next()");
            assertEquals(key("a"), it.key(), "key() read twice");
            long sequence = it.sequence();
            assertTrue(sequence >= 1 && sequence <= t.lastSequence(), "sequence() before any"
                    + " next() is " + sequence + ", not in 1 .. lastSequence() = "
                    + t.lastSequence());
            assertEquals(sequence, it.sequence(), "sequence() read twice");
        }
        try (MemTableIterator it = t.scan(Bound.excluded(key("a")), Bound.unbounded())) {
            assertTrue(it.isValid(), "a new iterator over (a, ∞) is valid");
            assertEquals(key("b"), it.key(), "first key of (a, ∞)");
        }
    }

    /**
     * <b>iter02</b>: after the last entry the iterator is invalid and stays so: further
     * {@code next()} calls do nothing, and {@code key()}, {@code value()} and {@code sequence()}
     * throw {@link NoSuchElementException}.
     * <p>If it fails: {@code next()} past the end must be a no-op, and the accessors must check
     * the position (not return null or a stale entry).
     */
    @Test
    default void required_iter02_invalidForGoodAfterTheEnd() {
        MemTable t = abc();
        try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
            it.next();
            it.next();
            assertTrue(it.isValid(), "valid on the last entry");
            assertEquals(key("c"), it.key(), "the last entry");
            it.next();
            assertFalse(it.isValid(), "invalid after the last entry");
            it.next();
            it.next();
            assertFalse(it.isValid(), "still invalid after next() past the end");
            assertThrows(NoSuchElementException.class, it::key, "key() past the end");
            assertThrows(NoSuchElementException.class, it::value, "value() past the end");
            assertThrows(NoSuchElementException.class, it::sequence, "sequence() past the end");
        }
    }

    /**
     * <b>iter03</b>: an iterator with nothing in range (an empty table, an empty range, an
     * inverted range, a range between keys) is invalid from the start; {@code next()} is
     * harmless and the accessors throw {@link NoSuchElementException}.
     * <p>If it fails: check each kind of empty iterator the backend can return.
     */
    @Test
    default void required_iter03_emptyIteratorIsInvalidFromTheStart() {
        MemTable empty = newTable();
        MemTable t = abc();
        assertEmptyProtocol(empty.scan(Bound.unbounded(), Bound.unbounded()), "empty table");
        assertEmptyProtocol(t.scan(Bound.included(key("b")), Bound.excluded(key("b"))),
                "range [b, b)");
        assertEmptyProtocol(t.scan(Bound.included(key("c")), Bound.included(key("a"))),
                "inverted range [c, a]");
        assertEmptyProtocol(t.scan(Bound.excluded(key("a")), Bound.excluded(key("b"))),
                "range (a, b) with no key in it");
    }

    /**
     * <b>iter04</b>: a closed iterator refuses use: {@code isValid()} is false and {@code key()},
     * {@code value()}, {@code sequence()} and {@code next()} throw {@link IllegalStateException}, whether it was
     * closed on an entry or past the end; {@code close()} again is harmless.
     * <p>If it fails: the iterator needs a closed flag checked by every method.
     */
    @Test
    default void required_iter04_closedIteratorRefusesUse() {
        MemTable t = abc();
        MemTableIterator onEntry = t.scan(Bound.unbounded(), Bound.unbounded());
        onEntry.next();
        onEntry.close();
        assertClosedProtocol(onEntry, "iterator closed on an entry");
        MemTableIterator pastEnd = t.scan(Bound.included(key("c")), Bound.unbounded());
        pastEnd.next();
        pastEnd.close();
        assertClosedProtocol(pastEnd, "iterator closed past the end");
        MemTableIterator ofEmptyTable = newTable().scan(Bound.unbounded(), Bound.unbounded());
        ofEmptyTable.close();
        assertClosedProtocol(ofEmptyTable, "iterator of an empty table, closed");
    }

    /**
     * <b>iter05</b>: an iterator over an empty or inverted range, once it or its table is closed,
     * refuses use like any other ({@link IllegalStateException}), so callers need no special case
     * for it.
     * <p>If it fails: the backend returns one shared, stateless empty iterator for such ranges;
     * return a fresh (or wrapped) one that knows when it or its table is closed.
     */
    @Test
    default void required_iter05_closedEmptyRangeIteratorRefusesUse() throws IOException {
        MemTable t = abc();
        MemTableIterator emptyRange = t.scan(Bound.excluded(key("b")), Bound.excluded(key("b")));
        emptyRange.close();
        assertClosedProtocol(emptyRange, "iterator over (b, b), closed");
        MemTableIterator inverted = t.scan(Bound.included(key("c")), Bound.included(key("a")));
        inverted.close();
        assertClosedProtocol(inverted, "iterator over [c, a], closed");
        MemTableIterator ofClosedTable = t.scan(Bound.excluded(key("a")), Bound.excluded(key("a")));
        t.close();
        assertClosedProtocol(ofClosedTable, "iterator over (a, a) of a closed table");
    }

    /**
     * <b>iter06</b>: closing the table invalidates its open iterators: {@code isValid()} is false
     * and {@code key()}, {@code value()} and {@code next()} throw {@link IllegalStateException};
     * closing the iterator afterwards is harmless.
     * <p>If it fails: the iterator must check its table's closed state (its memory may be gone).
     */
    @Test
    default void required_iter06_tableCloseInvalidatesIterators() throws IOException {
        MemTable t = abc();
        MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded());
        MemTableIterator pastEnd = t.scan(Bound.included(key("c")), Bound.unbounded());
        pastEnd.next();
        assertTrue(it.isValid(), "valid before the table is closed");
        t.close();
        assertClosedProtocol(it, "iterator on an entry of a closed table");
        assertClosedProtocol(pastEnd, "iterator past the end of a closed table");
    }

    /**
     * <b>iter07</b>: iterators are independent: two iterators over one table, advanced in turn,
     * each yield the whole range in order.
     * <p>If it fails: iterators share a cursor or a buffer (e.g. a chunk array kept in the
     * table).
     */
    @Test
    default void required_iter07_iteratorsAreIndependent() {
        MemTable t = abc();
        try (MemTableIterator first = t.scan(Bound.unbounded(), Bound.unbounded());
             MemTableIterator second = t.scan(Bound.included(key("b")), Bound.unbounded())) {
            assertEquals(key("a"), first.key(), "first iterator, first key");
            assertEquals(key("b"), second.key(), "second iterator, first key");
            first.next();
            assertEquals(key("b"), first.key(), "first iterator, second key");
            assertEquals(key("b"), second.key(), "second iterator unmoved by the first");
            second.next();
            assertEquals(key("c"), second.key(), "second iterator, second key");
            assertEquals(key("b"), first.key(), "first iterator unmoved by the second");
            first.next();
            first.next();
            assertFalse(first.isValid(), "first iterator at its end");
            assertTrue(second.isValid(), "second iterator still on c");
        }
    }

    /** Creates a table holding a, b, c with values va, vb, vc. */
    private MemTable abc() {
        MemTable t = newTable();
        t.put(key("b"), value("vb"));
        t.put(key("c"), value("vc"));
        t.put(key("a"), value("va"));
        return t;
    }

    private static void assertEmptyProtocol(MemTableIterator it, String what) {
        try (it) {
            assertFalse(it.isValid(), what + ": isValid() of a new iterator with nothing in range");
            it.next();
            assertFalse(it.isValid(), what + ": isValid() after a harmless next()");
            assertThrows(NoSuchElementException.class, it::key, what + ": key()");
            assertThrows(NoSuchElementException.class, it::value, what + ": value()");
            assertThrows(NoSuchElementException.class, it::sequence, what + ": sequence()");
        }
    }

    private static void assertClosedProtocol(MemTableIterator it, String what) {
        Executable[] checks = {
            () -> assertFalse(it.isValid(), what + ": isValid()"),
            () -> assertThrows(IllegalStateException.class, it::key, what + ": key()"),
            () -> assertThrows(IllegalStateException.class, it::value, what + ": value()"),
            () -> assertThrows(IllegalStateException.class, it::sequence, what + ": sequence()"),
            () -> assertThrows(IllegalStateException.class, it::next, what + ": next()"),
        };
        assertAll(what, checks);
        it.close();
        assertFalse(it.isValid(), what + ": isValid() after a second close()");
    }
}
