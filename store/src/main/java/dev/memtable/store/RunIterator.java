package dev.memtable.store;

import static dev.memtable.store.RunFormat.ENTRY_HEADER;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.ByteArrays;
import java.util.NoSuchElementException;

/**
 * The cursor of {@link Run#scan} and {@link Run#versions}: walks a run's entries block by block
 * through the cache. In scan mode it yields, for each key in range, the newest version at or
 * below the read sequence (skipping newer ones and older ones, across block boundaries); in
 * versions mode every entry.
 *
 * <p>Follows {@link MemTableIterator}'s rules: positioned on its first entry when created; past
 * the end invalid for good ({@code next()} then does nothing); {@code key()}, {@code value()} and
 * {@code sequence()} of an invalid iterator throw {@link NoSuchElementException}. After
 * {@link #close()}, or once the run is closed, {@link #isValid()} is false and every method but
 * {@code close} throws {@link IllegalStateException}. A block that is damaged or cannot be read
 * throws {@link java.io.UncheckedIOException} from the call that needed it (construction or
 * {@code next()}); the iterator is then invalid. Keys and values are slices of the cached block
 * (no copy), made when asked for. For one thread at a time.
 */
final class RunIterator implements MemTableIterator {

    private final Run run;
    private final int blocks;
    private final long sequence;
    private final boolean allVersions;
    /** The upper bound's key as array range, or null if unbounded. */
    private final byte[] upperKey;
    private final int upperFrom;
    private final int upperTo;
    private final boolean upperInclusive;

    private int blockIndex;
    /** The current block; null once exhausted. */
    private Block block;
    private int entry;
    private int pos;
    private Bytes key;
    private Bytes value;
    private boolean closed;

    RunIterator(Run run, Bound lower, Bound upper, long sequence, boolean allVersions) {
        this.run = run;
        this.blocks = run.blockCount();
        this.sequence = sequence;
        this.allVersions = allVersions;
        Bytes u = upper.keyOrNull();
        this.upperKey = u == null ? null : ByteArrays.array(u);
        this.upperFrom = u == null ? 0 : ByteArrays.offset(u);
        this.upperTo = u == null ? 0 : upperFrom + u.length();
        this.upperInclusive = upper.isInclusive();
        if (blocks == 0 || Bound.isEmptyRange(lower, upper) || sequence == 0) {
            return;
        }
        Bytes l = lower.keyOrNull();
        if (l == null) {
            load(0);
        } else {
            // included: before every version of the key; excluded: after every version of it.
            long probe = lower.isInclusive() ? Long.MAX_VALUE : Long.MIN_VALUE;
            byte[] k = ByteArrays.array(l);
            int from = ByteArrays.offset(l);
            int to = from + l.length();
            int b = run.index().find(k, from, to, probe);
            if (b == blocks) {
                return;
            }
            load(b);
            entry = block.seek(k, from, to, probe);
        }
        settle(null, 0, 0);
    }

    @Override
    public boolean isValid() {
        return !closed && block != null && !run.isClosed();
    }

    @Override
    public Bytes key() {
        checkPositioned();
        if (key == null) {
            key = block.key(pos);
        }
        return key;
    }

    @Override
    public Bytes value() {
        checkPositioned();
        if (value == null) {
            value = block.value(pos);
        }
        return value;
    }

    @Override
    public long sequence() {
        checkPositioned();
        return block.sequence(pos);
    }

    @Override
    public void next() {
        checkOpen();
        if (block == null) {
            return;
        }
        entry++;
        if (allVersions) {
            settle(null, 0, 0);
        } else {
            // Skip the older versions of the key just yielded, in this block and the next.
            int from = pos + ENTRY_HEADER;
            settle(block.array(), from, from + block.keyLength(pos));
        }
    }

    @Override
    public void close() {
        closed = true;
        block = null;
    }

    @Override
    public String toString() {
        return "RunIterator[run " + run.runId() + (closed ? ", closed"
                : block == null ? ", exhausted" : ", block " + blockIndex + " entry " + entry)
                + "]";
    }

    // ------------------------------------------------------------------ internals

    /**
     * From (block, entry) onwards, finds the next entry to yield: skips entries whose key is
     * {@code skip[skipFrom, skipTo)} (when {@code skip} is not null) and, in scan mode, versions
     * above the read sequence; stops, exhausted, past the upper bound or the last block.
     */
    private void settle(byte[] skip, int skipFrom, int skipTo) {
        key = null;
        value = null;
        while (true) {
            if (entry == block.count()) {
                if (blockIndex + 1 == blocks) {
                    block = null;
                    return;
                }
                load(blockIndex + 1); // the skip key stays readable: it is in an immutable array
                continue;
            }
            int p = block.entryAt(entry);
            if (skip != null) {
                if (block.keyEquals(p, skip, skipFrom, skipTo)) {
                    entry++;
                    continue;
                }
                skip = null; // keys ascend: no later entry has it
            }
            if (upperKey != null) {
                int c = block.compareKey(p, upperKey, upperFrom, upperTo);
                if (c > 0 || (c == 0 && !upperInclusive)) {
                    block = null;
                    return;
                }
            }
            if (!allVersions && block.sequence(p) > sequence) {
                entry++;
                continue;
            }
            pos = p;
            return;
        }
    }

    /** Makes block {@code b} current at its first entry; invalid for good if it fails. */
    private void load(int b) {
        run.checkOpen();
        block = null;
        Block loaded = run.block(b); // throws if damaged: the iterator stays exhausted
        blockIndex = b;
        block = loaded;
        entry = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
        run.checkOpen();
    }

    private void checkPositioned() {
        checkOpen();
        if (block == null) {
            throw new NoSuchElementException("run iterator is not positioned on an entry"
                    + " (isValid() is false)");
        }
    }
}
