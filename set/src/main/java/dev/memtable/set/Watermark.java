package dev.memtable.set;

import it.unimi.dsi.fastutil.longs.Long2IntRBTreeMap;
import java.util.Arrays;

/**
 * The sequences of the open {@link Snapshot}s of a set, as a sorted multiset (several snapshots
 * may share a sequence): mini-lsm's {@code Watermark}. Its lowest entry is the <em>watermark</em>,
 * below which no reader looks; a flush keeps an older version of a key only if some open snapshot
 * sits between it and the key's next newer version ({@link #seesBetween}).
 *
 * <p>A fastutil {@link Long2IntRBTreeMap} from sequence to count: sorted, without boxing a
 * {@code long} per snapshot. Snapshots are opened and closed far less often than keys are read,
 * so a monitor guards it. Thread-safe.
 */
final class Watermark {

    private final Long2IntRBTreeMap counts = new Long2IntRBTreeMap();

    /** Records an open snapshot at {@code sequence}. */
    synchronized void add(long sequence) {
        counts.addTo(sequence, 1);
    }

    /** Forgets one open snapshot at {@code sequence}, which must have been added. */
    synchronized void remove(long sequence) {
        int left = counts.addTo(sequence, -1) - 1;
        if (left <= 0) {
            counts.remove(sequence);
        }
    }

    /** Returns the lowest sequence of an open snapshot, or {@code orElse} if none is open. */
    synchronized long lowest(long orElse) {
        return counts.isEmpty() ? orElse : counts.firstLongKey();
    }

    /** Returns the number of open snapshots. */
    synchronized int openSnapshots() {
        int n = 0;
        for (int c : counts.values()) {
            n += c;
        }
        return n;
    }

    /** Returns the distinct sequences of the open snapshots, ascending (a copy). */
    synchronized long[] sequences() {
        return counts.keySet().toLongArray();
    }

    /**
     * Returns true if one of {@code ascending} (as returned by {@link #sequences()}) lies in
     * {@code [from, below)}: a snapshot there sees a version written at {@code from} whose key's
     * next newer version is at {@code below}.
     */
    static boolean seesBetween(long[] ascending, long from, long below) {
        int i = Arrays.binarySearch(ascending, from);
        if (i >= 0) {
            return from < below;
        }
        int insertion = -i - 1;
        return insertion < ascending.length && ascending[insertion] < below;
    }
}
