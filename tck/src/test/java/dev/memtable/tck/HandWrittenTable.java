package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Ranges;
import dev.memtable.spi.Wal;
import dev.memtable.tck.HandWrittenProvider.Flaw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The table of {@link HandWrittenProvider}: a {@link ConcurrentSkipListMap}, striped write
 * locks, and its own checks, size, closing and log plumbing. Correct with {@link Flaw#NONE};
 * each other flaw is a marked slip.
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
        long to(Wal log) throws IOException;
    }

    private final long id;
    private final Flaw flaw;
    private final ConcurrentSkipListMap<Bytes, Bytes> map = new ConcurrentSkipListMap<>();
    /** Write locks by key hash; a batch takes all of its stripes in ascending order. */
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final AtomicLong size;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile boolean sealed;
    /** Set before the table is published; null without a log. */
    private volatile Wal log;
    private boolean syncEveryWrite;
    private final ThreadLocal<List<Append>> threadBuffer = ThreadLocal.withInitial(ArrayList::new);

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
    }

    /** Applies a record read back from the log, without logging it; recovery only. */
    void replay(WriteBatch batch) {
        for (WriteBatch.Entry e : batch.entries()) {
            if (flaw == Flaw.REPLAY_SKIPS_TOMBSTONES && e.isDelete()) {
                continue;
            }
            apply(e.key(), e.value(), true);
        }
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
        if (flaw == Flaw.NULL_VALUE_IS_DELETE && value == null) {
            value = Bytes.EMPTY;
        }
        Bytes k = key;
        Bytes v = value;
        Append append = l -> l.append(k, v);
        if (flaw == Flaw.LOG_BEFORE_CHECKS && log != null) {
            commit(append, List.of());
            append = Wal::position;
        }
        checkEntry(k, v);
        checkWritable();
        commit(append, List.of(new WriteBatch.Entry(k, v)));
    }

    @Override
    public void delete(Bytes key) {
        if (flaw == Flaw.DELETE_SKIPS_KEY_LIMIT) {
            Objects.requireNonNull(key, "key");
            checkWritable();
            commit(l -> l.append(key, Bytes.EMPTY),
                    List.of(new WriteBatch.Entry(key, Bytes.EMPTY)));
            return;
        }
        put(key, Bytes.EMPTY);
    }

    @Override
    public void write(WriteBatch batch) {
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
        Append append = flaw != Flaw.BATCH_LOGGED_PER_ENTRY ? l -> l.append(batch) : l -> {
            long end = 0;
            for (WriteBatch.Entry e : batch.entries()) {
                end = l.append(e.key(), e.value());
            }
            return end;
        };
        commit(append, batch.entries());
    }

    /**
     * The write path: holding the stripes of the entries' keys (so that the log order and the
     * memory order of writes to one key agree, while writes to other keys share fsyncs), append,
     * sync if the policy says so, then change memory and size. Without a log, only the last step.
     */
    private void commit(Append append, List<WriteBatch.Entry> entries) {
        int[] held = stripesOf(entries);
        for (int i : held) {
            stripes[i].lock();
        }
        Wal wal = log;
        try {
            if (wal == null) {
                applyAll(entries);
            } else if (flaw == Flaw.MEMORY_BEFORE_LOG) {
                applyAll(entries);
                syncIfAsked(wal, append.to(wal));
            } else if (flaw == Flaw.SIZE_BEFORE_LOG) {
                entries.forEach(e -> size.addAndGet((long) e.key().length() + e.value().length()));
                syncIfAsked(wal, append.to(wal));
                entries.forEach(e -> map.put(e.key(), e.value()));
            } else if (flaw == Flaw.EVERY_WRITE_BUFFERED_PER_THREAD && syncEveryWrite) {
                List<Append> buffer = threadBuffer.get();
                buffer.add(append);
                if (buffer.size() >= THREAD_BUFFER) {
                    flushThreadBuffer(wal);
                }
                applyAll(entries);
            } else if (flaw == Flaw.APPLIED_BEFORE_SYNC) {
                long end = append.to(wal);
                applyAll(entries);
                syncIfAsked(wal, end);
            } else {
                syncIfAsked(wal, append.to(wal));
                applyAll(entries);
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

    private void applyAll(List<WriteBatch.Entry> entries) {
        for (WriteBatch.Entry e : entries) {
            apply(e.key(), e.value(), true);
        }
    }

    /** Stores one entry and, if asked, counts it in the size. */
    private void apply(Bytes key, Bytes value, boolean count) {
        Bytes old = map.put(key, value);
        if (!count) {
            return;
        }
        long added = (long) key.length() + value.length();
        if (flaw == Flaw.SIZE_COUNTS_LIVE_BYTES && old != null) {
            added -= key.length() + old.length();
        }
        if (flaw == Flaw.TOMBSTONES_NOT_COUNTED && value.isEmpty()) {
            added = 0;
        }
        size.addAndGet(added);
    }

    private void flushThreadBuffer(Wal wal) throws IOException {
        List<Append> buffer = threadBuffer.get();
        if (buffer.isEmpty()) {
            return;
        }
        for (Append a : buffer) {
            a.to(wal);
        }
        buffer.clear();
        wal.sync();
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        if (flaw != Flaw.NULL_KEY_LEFT_TO_MAP) {
            Objects.requireNonNull(key, "key");
        }
        checkOpen();
        return Optional.ofNullable(map.get(key));
    }

    @Override
    public MemTableIterator scan(Bound lower, Bound upper) {
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
        checkOpen();
        MemTableIterator inner = empty ? MemTableIterator.empty() : Ranges.scan(map, lower, upper);
        return new HandWrittenIterator(inner,
                () -> open || flaw == Flaw.ITERATORS_SURVIVE_CLOSE, id);
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
        if (wal == null || flaw == Flaw.SYNC_WAL_NEVER_SYNCS) {
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
}
