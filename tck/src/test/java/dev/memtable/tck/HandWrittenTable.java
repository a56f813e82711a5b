package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.tck.HandWrittenProvider.Flaw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The table of {@link HandWrittenProvider}: a {@link ConcurrentSkipListMap} of versions keyed by
 * (key ascending, sequence descending), as RocksDB's memtable orders its internal keys, striped
 * write locks, and its own checks, sequences, size, closing and log plumbing. Correct with
 * {@link Flaw#NONE}; each other flaw is a marked slip.
 */
final class HandWrittenTable implements MemTable {

    /** What {@link Flaw#SIZE_COUNTS_OVERHEAD} adds: the map's head node, as the author measured. */
    private static final long MAP_OVERHEAD = 64;

    /** Stripes of the write lock; a power of two. */
    private static final int STRIPES = 64;

    /** What {@link Flaw#EVERY_WRITE_BUFFERED_PER_THREAD} buffers before it appends. */
    private static final int THREAD_BUFFER = 64;

    /** One record on its way to the log. */
    private interface Append {
        long to(Wal log, long sequence) throws IOException;
    }

    /** A record buffered by {@link Flaw#EVERY_WRITE_BUFFERED_PER_THREAD}, with its sequence. */
    private record PendingAppend(Append append, long sequence) {
    }

    /** A version's place in the map: its key, then its sequence, newest first. */
    record VersionKey(Bytes key, long sequence) implements Comparable<VersionKey> {
        @Override
        public int compareTo(VersionKey o) {
            int c = key.compareTo(o.key);
            return c != 0 ? c : Long.compare(o.sequence, sequence);
        }
    }

    private final long id;
    private final Flaw flaw;
    private final ConcurrentSkipListMap<VersionKey, Bytes> map = new ConcurrentSkipListMap<>();
    /** The highest sequence taken by an unversioned write or written by a versioned one. */
    private final AtomicLong taken = new AtomicLong();
    /** What {@link Flaw#UNVERSIONED_COUNTER_IGNORES_VERSIONED} counts unversioned writes with. */
    private final AtomicLong unversioned = new AtomicLong();
    /** The highest sequence applied: {@link #lastSequence()}. */
    private final AtomicLong applied = new AtomicLong();
    /** Write locks by key hash; a batch takes all of its stripes in ascending order. */
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final AtomicLong size;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile boolean sealed;
    /** Set before the table is published; null without a log. */
    private volatile Wal log;
    private boolean syncEveryWrite;
    /** True if the log was attached with {@code SyncPolicy.BUFFERED}. */
    private boolean buffered;
    private final ThreadLocal<List<PendingAppend>> threadBuffer =
            ThreadLocal.withInitial(ArrayList::new);

    HandWrittenTable(long id, Flaw flaw) {
        this.id = id;
        this.flaw = flaw;
        this.size = new AtomicLong(flaw == Flaw.SIZE_COUNTS_OVERHEAD ? MAP_OVERHEAD : 0);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Attaches the log; called by the provider before it returns the table. */
    void attach(Wal log, WalOptions options) {
        this.log = log;
        this.syncEveryWrite = options.syncPolicy() == SyncPolicy.EVERY_WRITE
                && flaw != Flaw.SYNC_POLICY_IGNORED;
        this.buffered = options.syncPolicy() == SyncPolicy.BUFFERED;
    }

    /** Applies a record read back from the log at its sequence, without logging it; recovery only. */
    void replay(long sequence, WriteBatch batch) {
        if (flaw == Flaw.REPLAY_TAKES_FRESH_SEQUENCES) {
            sequence = taken.incrementAndGet();
        }
        raise(taken, lastOf(sequence, batch.entries().size()));
        long seq = sequence;
        for (WriteBatch.Entry e : batch.entries()) {
            if (flaw == Flaw.REPLAY_SKIPS_TOMBSTONES && e.isDelete()) {
                continue;
            }
            apply(e.key(), e.value(), seq, true);
            if (flaw == Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES) {
                seq++;
            }
        }
        appliedUpTo(seq - (flaw == Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES ? 1 : 0));
    }

    @Override
    public long id() {
        if (flaw == Flaw.ID_REFUSED_AFTER_CLOSE) {
            checkOpen();
        }
        return id;
    }

    @Override
    public void put(Bytes key, Bytes value) {
        put0(key, value, 0);
    }

    @Override
    public void put(Bytes key, Bytes value, long sequence) {
        checkWriteSequence(sequence);
        put0(key, value, sequence);
    }

    /** A put at {@code sequence}, or at the next one if it is 0. */
    private void put0(Bytes key, Bytes value, long sequence) {
        if (flaw == Flaw.NULL_VALUE_IS_DELETE && value == null) {
            value = Bytes.EMPTY;
        }
        Bytes k = key;
        Bytes v = value;
        Append append = (l, s) -> l.append(k, v, s);
        if (flaw == Flaw.LOG_BEFORE_CHECKS && log != null) {
            commit(append, List.of(), sequence);
            append = (l, s) -> l.position();
        }
        checkEntry(k, v);
        checkWritable();
        commit(append, List.of(new WriteBatch.Entry(k, v)), sequence);
    }

    @Override
    public void delete(Bytes key) {
        delete0(key, 0);
    }

    @Override
    public void delete(Bytes key, long sequence) {
        checkWriteSequence(sequence);
        delete0(key, sequence);
    }

    private void delete0(Bytes key, long sequence) {
        if (flaw == Flaw.DELETE_SKIPS_KEY_LIMIT) {
            Objects.requireNonNull(key, "key");
            checkWritable();
            commit((l, s) -> l.append(key, Bytes.EMPTY, s),
                    List.of(new WriteBatch.Entry(key, Bytes.EMPTY)), sequence);
            return;
        }
        put0(key, Bytes.EMPTY, sequence);
    }

    /** The check of a write sequence, with this author's slips. */
    private void checkWriteSequence(long sequence) {
        boolean tooLow = flaw == Flaw.SEQUENCE_CHECKED_FROM_ZERO ? sequence < 0 : sequence < 1;
        boolean tooHigh = flaw != Flaw.SEQUENCE_UPPER_LIMIT_UNCHECKED
                && sequence > MAX_SEQUENCE;
        if (tooLow || tooHigh) {
            throw new IllegalArgumentException("sequence " + sequence + " is not in 1 .. "
                    + MAX_SEQUENCE);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        write0(batch, 0);
    }

    @Override
    public void write(WriteBatch batch, long sequence) {
        Objects.requireNonNull(batch, "batch");
        checkWriteSequence(sequence);
        write0(batch, sequence);
    }

    /** A batch at {@code sequence}, or at the next one if it is 0. */
    private void write0(WriteBatch batch, long sequence) {
        if (flaw == Flaw.NULL_BATCH_IS_EMPTY && batch == null) {
            return;
        }
        Objects.requireNonNull(batch, "batch");
        if (flaw == Flaw.CLOSED_CHECK_AFTER_EARLY_RETURN && batch.isEmpty()) {
            return;
        }
        checkWritable();
        if (batch.isEmpty()) {
            return;
        }
        if (flaw == Flaw.BATCH_ENTRY_LIMIT_OFF_BY_ONE) {
            for (WriteBatch.Entry e : batch.entries()) {
                if (e.key().length() >= MAX_KEY_LENGTH || e.value().length() >= MAX_VALUE_LENGTH) {
                    throw new IllegalArgumentException("batch entry too long: key "
                            + e.key().length() + " bytes, value " + e.value().length() + " bytes");
                }
            }
        }
        Append append = flaw != Flaw.BATCH_LOGGED_PER_ENTRY ? (l, s) -> l.append(batch, s)
                : (l, s) -> {
                    long end = 0;
                    for (WriteBatch.Entry e : batch.entries()) {
                        end = l.append(e.key(), e.value(), s);
                    }
                    return end;
                };
        commit(append, batch.entries(), sequence);
    }

    /**
     * The write path: holding the stripes of the entries' keys (so that the log order and the
     * memory order of writes to one key agree, while writes to other keys share fsyncs), append,
     * sync if the policy says so, then change memory, size and the last sequence. Without a log,
     * only the last step. The write's sequence is {@code sequence}, or, if that is 0, the next
     * one, taken under the stripes.
     */
    private void commit(Append append, List<WriteBatch.Entry> entries, long sequence) {
        int[] held = stripesOf(entries);
        for (int i : held) {
            stripes[i].lock();
        }
        Wal wal = log;
        try {
            long seq = take(sequence, entries.size());
            if (flaw == Flaw.SEQUENCE_RAISED_BEFORE_LOG) {
                appliedUpTo(lastOf(seq, entries.size()));
            }
            if (wal == null) {
                applyAll(entries, seq);
            } else if (flaw == Flaw.MEMORY_BEFORE_LOG) {
                applyAll(entries, seq);
                syncIfAsked(wal, append.to(wal, seq));
            } else if (flaw == Flaw.SIZE_BEFORE_LOG) {
                entries.forEach(e -> size.addAndGet(
                        (long) e.key().length() + e.value().length() + VERSION_BYTES));
                syncIfAsked(wal, append.to(wal, seq));
                entries.forEach(e -> map.put(new VersionKey(e.key(), seq), e.value()));
                appliedUpTo(seq);
            } else if (flaw == Flaw.EVERY_WRITE_BUFFERED_PER_THREAD && syncEveryWrite) {
                List<PendingAppend> buffer = threadBuffer.get();
                buffer.add(new PendingAppend(append, seq));
                if (buffer.size() >= THREAD_BUFFER) {
                    flushThreadBuffer(wal);
                }
                applyAll(entries, seq);
            } else if (flaw == Flaw.APPLIED_BEFORE_SYNC) {
                long end = append.to(wal, seq);
                applyAll(entries, seq);
                syncIfAsked(wal, end);
            } else {
                syncIfAsked(wal, append.to(wal, seq));
                applyAll(entries, seq);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("write-ahead log " + wal.path()
                    + " did not take the write; the table is unchanged", e);
        } finally {
            for (int i = held.length - 1; i >= 0; i--) {
                stripes[held[i]].unlock();
            }
        }
    }

    /** The distinct stripes of the entries' keys, ascending. */
    private static int[] stripesOf(List<WriteBatch.Entry> entries) {
        return entries.stream().mapToInt(e -> e.key().hashCode() & (STRIPES - 1)).distinct()
                .sorted().toArray();
    }

    private void syncIfAsked(Wal wal, long end) throws IOException {
        if (syncEveryWrite) {
            wal.syncTo(end);
        }
    }

    /**
     * Takes the sequence of a write of {@code entries} entries: {@code sequence}, or the next one
     * if it is 0. (With {@link Flaw#BATCH_AT_SUCCESSIVE_SEQUENCES}, the first of as many as there
     * are entries, as RocksDB numbers a batch's entries.)
     */
    private long take(long sequence, int entries) {
        int count = flaw == Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES ? Math.max(1, entries) : 1;
        if (sequence == 0) {
            if (flaw == Flaw.UNVERSIONED_COUNTER_IGNORES_VERSIONED) {
                long first = unversioned.addAndGet(count) - count + 1;
                raise(taken, first + count - 1);
                return first;
            }
            return taken.addAndGet(count) - count + 1;
        }
        raise(taken, sequence + count - 1);
        return sequence;
    }

    private long lastOf(long first, int entries) {
        return flaw == Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES ? first + Math.max(1, entries) - 1
                : first;
    }

    private void applyAll(List<WriteBatch.Entry> entries, long sequence) {
        long seq = sequence;
        for (WriteBatch.Entry e : entries) {
            apply(e.key(), e.value(), seq, true);
            if (flaw == Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES) {
                seq++;
            }
        }
        if (!entries.isEmpty()) {
            appliedUpTo(lastOf(sequence, entries.size()));
        }
    }

    /** Raises {@link #lastSequence()} to {@code sequence} (or, with the flaw, sets it). */
    private void appliedUpTo(long sequence) {
        if (flaw == Flaw.LAST_SEQUENCE_IS_LAST_WRITTEN) {
            applied.set(sequence);
        } else {
            raise(applied, sequence);
        }
    }

    private static void raise(AtomicLong counter, long to) {
        long now = counter.get();
        while (now < to && !counter.compareAndSet(now, to)) {
            now = counter.get();
        }
    }

    /** Stores one version and, if asked, counts it in the size. */
    private void apply(Bytes key, Bytes value, long sequence, boolean count) {
        Bytes previous = null;
        if (flaw == Flaw.SIZE_COUNTS_LIVE_BYTES) {
            Map.Entry<VersionKey, Bytes> newest = map.ceilingEntry(
                    new VersionKey(key, Long.MAX_VALUE));
            previous = newest != null && newest.getKey().key().equals(key)
                    ? newest.getValue() : null;
        }
        map.put(new VersionKey(key, sequence), value);
        if (!count) {
            return;
        }
        long added = (long) key.length() + value.length() + VERSION_BYTES;
        if (previous != null) {
            added -= key.length() + previous.length() + VERSION_BYTES;
        }
        if (flaw == Flaw.TOMBSTONES_NOT_COUNTED && value.isEmpty()) {
            added = 0;
        }
        size.addAndGet(added);
    }

    private void flushThreadBuffer(Wal wal) throws IOException {
        List<PendingAppend> buffer = threadBuffer.get();
        if (buffer.isEmpty()) {
            return;
        }
        for (PendingAppend a : buffer) {
            a.append().to(wal, a.sequence());
        }
        buffer.clear();
        wal.sync();
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        return get(key, Long.MAX_VALUE);
    }

    @Override
    public Optional<Bytes> get(Bytes key, long sequence) {
        if (flaw != Flaw.NULL_KEY_LEFT_TO_MAP) {
            Objects.requireNonNull(key, "key");
        }
        sequence = checkReadSequence(sequence);
        checkOpen();
        if (key == null) {
            return Optional.ofNullable(map.get(null)); // NULL_KEY_LEFT_TO_MAP: the map's NPE
        }
        Map.Entry<VersionKey, Bytes> visible = map.ceilingEntry(new VersionKey(key, sequence));
        return visible != null && visible.getKey().key().equals(key)
                ? Optional.of(visible.getValue()) : Optional.empty();
    }

    /** The check of a read sequence; returns the sequence to read at. */
    private long checkReadSequence(long sequence) {
        if (sequence < 0) {
            if (flaw == Flaw.NEGATIVE_READ_SEQUENCE_READS_NEWEST) {
                return Long.MAX_VALUE; // "a negative sequence means: the latest"
            }
            throw new IllegalArgumentException("read sequence " + sequence + " is negative");
        }
        return sequence;
    }

    @Override
    public MemTableIterator scan(Bound lower, Bound upper) {
        return scan(lower, upper, Long.MAX_VALUE);
    }

    @Override
    public MemTableIterator scan(Bound lower, Bound upper, long sequence) {
        return iterate(lower, upper, checkReadSequence(sequence), false);
    }

    @Override
    public MemTableIterator versions(Bound lower, Bound upper) {
        return iterate(lower, upper, Long.MAX_VALUE, true);
    }

    private MemTableIterator iterate(Bound lower, Bound upper, long sequence, boolean all) {
        if (flaw == Flaw.NULL_BOUND_IS_UNBOUNDED) {
            lower = lower == null ? Bound.unbounded() : lower;
            upper = upper == null ? Bound.unbounded() : upper;
        }
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        boolean empty = Bound.isEmptyRange(lower, upper);
        if (flaw == Flaw.CLOSED_CHECK_AFTER_EARLY_RETURN && empty) {
            return MemTableIterator.empty();
        }
        if (!all || flaw != Flaw.VERSIONS_SKIPS_CLOSED_CHECK) {
            checkOpen();
        }
        MemTableIterator inner = empty ? MemTableIterator.empty()
                : new VersionCursor(range(lower, upper).entrySet().iterator(), sequence, all);
        return new HandWrittenIterator(inner,
                () -> open || flaw == Flaw.ITERATORS_SURVIVE_CLOSE, id);
    }

    /** The versions of the keys between the bounds; the range is not empty. */
    private NavigableMap<VersionKey, Bytes> range(Bound lower, Bound upper) {
        NavigableMap<VersionKey, Bytes> view = map;
        Bytes lo = lower.keyOrNull();
        if (lo != null) {
            view = lower.isInclusive() ? view.tailMap(new VersionKey(lo, Long.MAX_VALUE), true)
                    : view.tailMap(new VersionKey(lo, Long.MIN_VALUE), false);
        }
        Bytes hi = upper.keyOrNull();
        if (hi != null) {
            view = upper.isInclusive() ? view.headMap(new VersionKey(hi, Long.MIN_VALUE), true)
                    : view.headMap(new VersionKey(hi, Long.MAX_VALUE), false);
        }
        return view;
    }

    @Override
    public long lastSequence() {
        if (flaw != Flaw.VERSIONS_SKIPS_CLOSED_CHECK) {
            checkOpen();
        }
        return applied.get();
    }

    @Override
    public long approximateSize() {
        checkOpen();
        return size.get();
    }

    @Override
    public boolean isEmpty() {
        checkOpen();
        return map.isEmpty();
    }

    @Override
    public void syncWal() throws IOException {
        checkOpen();
        if (sealed) {
            return; // the log was synced and closed by seal()
        }
        Wal wal = log;
        if (wal == null || flaw == Flaw.SYNC_WAL_NEVER_SYNCS
                || (flaw == Flaw.BUFFERED_SYNC_WAL_SKIPPED && buffered)) {
            return;
        }
        if (flaw == Flaw.EVERY_WRITE_BUFFERED_PER_THREAD) {
            flushThreadBuffer(wal);
        }
        try {
            wal.sync();
        } catch (IOException e) {
            if (flaw != Flaw.SYNC_ERROR_SWALLOWED) {
                throw e;
            }
            // The author logs and carries on (at DEBUG here, to keep the self-test's output clean).
            System.getLogger(HandWrittenTable.class.getName()).log(System.Logger.Level.DEBUG,
                    "sync of " + wal.path() + " failed", e);
        }
    }

    @Override
    public synchronized void seal() throws IOException {
        checkOpen();
        if (sealed) {
            return;
        }
        sealed = true;
        Wal wal = log;
        if (wal != null) {
            if (flaw == Flaw.EVERY_WRITE_BUFFERED_PER_THREAD) {
                flushThreadBuffer(wal);
            }
            try {
                wal.close();
            } catch (IOException e) {
                if (flaw != Flaw.SEAL_SWALLOWS_SYNC_FAILURE) {
                    throw e;
                }
                System.getLogger(HandWrittenTable.class.getName()).log(System.Logger.Level.DEBUG,
                        "closing " + wal.path() + " at seal failed", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!closing.compareAndSet(false, true)) {
            if (flaw == Flaw.CLOSE_NOT_IDEMPOTENT) {
                throw new IllegalStateException("memtable " + id + " is already closed");
            }
            return;
        }
        open = false;
        Wal wal = log;
        try {
            if (wal != null && flaw == Flaw.EVERY_WRITE_BUFFERED_PER_THREAD) {
                flushThreadBuffer(wal);
            }
            if (wal != null && flaw != Flaw.CLOSE_LEAKS_LOG) {
                wal.close();
            }
        } finally {
            map.clear();
        }
    }

    @Override
    public String toString() {
        return "HandWrittenTable[id=" + id + ", " + flaw + (open ? "" : ", closed") + "]";
    }

    private void checkEntry(Bytes key, Bytes value) {
        if (flaw != Flaw.NULL_KEY_LEFT_TO_MAP) {
            Objects.requireNonNull(key, "key");
        }
        Objects.requireNonNull(value, "value");
        int maxKey = flaw == Flaw.KEY_LIMIT_OFF_BY_ONE ? MAX_KEY_LENGTH - 1 : MAX_KEY_LENGTH;
        int maxValue = flaw == Flaw.VALUE_LIMIT_OFF_BY_ONE
                ? MAX_VALUE_LENGTH - 1 : MAX_VALUE_LENGTH;
        checkLength("key", key, maxKey);
        checkLength("value", value, maxValue);
    }

    /** The flaw NULL_KEY_LEFT_TO_MAP lets a null reach here: its NPE names {@code bytes}. */
    private static void checkLength(String what, Bytes bytes, int limit) {
        if (bytes.length() > limit) {
            throw new IllegalArgumentException(what + " is " + bytes.length()
                    + " bytes; the limit is " + limit);
        }
    }

    private void checkWritable() {
        checkOpen();
        if (sealed) {
            throw new IllegalStateException("memtable " + id + " is sealed");
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("memtable " + id + " is closed");
        }
    }

    /**
     * A cursor over the versions map: every version, or the first version at or below the read
     * sequence of each key.
     */
    private static final class VersionCursor implements MemTableIterator {
        private final Iterator<Map.Entry<VersionKey, Bytes>> versions;
        private final long sequence;
        private final boolean all;
        private Map.Entry<VersionKey, Bytes> lookahead;
        private Map.Entry<VersionKey, Bytes> current;

        VersionCursor(Iterator<Map.Entry<VersionKey, Bytes>> versions, long sequence,
                      boolean all) {
            this.versions = versions;
            this.sequence = sequence;
            this.all = all;
            lookahead = versions.hasNext() ? versions.next() : null;
            advance();
        }

        /** Moves to the next version to yield, from {@link #lookahead} on. */
        private void advance() {
            while (lookahead != null && !all && lookahead.getKey().sequence() > sequence) {
                step();
            }
            current = lookahead;
            if (current == null) {
                return;
            }
            step();
            if (!all) {
                while (lookahead != null && lookahead.getKey().key().equals(current.getKey().key())) {
                    step(); // the key's older versions
                }
            }
        }

        private void step() {
            lookahead = versions.hasNext() ? versions.next() : null;
        }

        @Override
        public boolean isValid() {
            return current != null;
        }

        @Override
        public Bytes key() {
            return entry().getKey().key();
        }

        @Override
        public Bytes value() {
            return entry().getValue();
        }

        @Override
        public long sequence() {
            return entry().getKey().sequence();
        }

        private Map.Entry<VersionKey, Bytes> entry() {
            if (current == null) {
                throw new NoSuchElementException("not positioned on an entry");
            }
            return current;
        }

        @Override
        public void next() {
            if (current != null) {
                advance();
            }
        }

        @Override
        public void close() {
            current = null;
            lookahead = null;
        }
    }
}
