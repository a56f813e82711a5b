package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backends for the self-test as a third party may write one: a {@link MemTable} implemented
 * directly, without {@code AbstractMemTable}, on a {@link ConcurrentSkipListMap} from each key to
 * a map of its versions by sequence, descending: puts are lock-free, batches take a lock among
 * themselves, scans copy their range into a list. Correct, or with exactly one deliberate
 * {@link Flaw} in the parts that {@code AbstractMemTable} would otherwise do right: batches,
 * sequences, empty ranges and the closed state of iterators. Declares
 * {@link Capability#CONCURRENT_WRITES}; has no log.
 */
final class DirectTableProvider implements MemTableProvider {

    /** The one thing the backend gets wrong. */
    enum Flaw {
        NONE("None: a correct backend."),
        EQUAL_BOUNDS_READ_AS_POINT_LOOKUP("A scan whose bounds have one key is answered by a "
                + "point lookup, exclusions ignored."),
        INVERTED_RANGE_REACHES_SUB_MAP("Checks for equal bounds but not for inverted ones, which "
                + "reach subMap."),
        SHARED_EMPTY_ITERATOR("An empty range gets the shared MemTableIterator.empty()."),
        ITERATOR_CLOSE_NOT_RECORDED("The iterator's close() releases its list but does not mark "
                + "it closed."),
        ITERATOR_IGNORES_TABLE_CLOSE("The iterator checks whether it was closed, but not whether "
                + "its table was."),
        BATCH_LOOP_STOPS_ONE_SHORT("The loop over a batch's entries stops one short."),
        BATCH_DELETES_AFTER_PUTS("A batch is applied in two passes, puts first and deletes "
                + "second."),
        BATCH_DELETE_REMOVES_KEY("A delete in a batch removes the key instead of writing a "
                + "tombstone."),
        EMPTY_BATCH_SETS_WRITTEN_FLAG("An empty batch sets the \"written\"flag that isEmpty "
                + "reads."),
        BATCH_SIZE_COUNTS_COLLAPSED_ENTRIES("A batch is first collapsed to one entry per key, "
                + "and only those are counted in the size."),
        BATCH_CLEARED_AFTER_WRITE("The batch is cleared after it is written, so that the caller "
                + "can reuse it."),
        ONE_VERSION_PER_KEY("Keeps one version per key, as the table did before sequences: a "
                + "write replaces the key's value and stamps it with its sequence, whatever the "
                + "sequence of the value it replaces."),
        BATCH_TAKES_SEQUENCE_PER_ENTRY("write(batch) without a sequence applies each entry "
                + "through put(), without the batch lock, and put() takes the next sequence for "
                + "each one, so concurrent batches interleave. (It passes a RaceWindow between "
                + "entries, so that they interleave on every run, even on a busy machine.)");

        private final String description;

        Flaw(String description) {
            this.description = description;
        }

        /** The bug, as a backend author would make it. */
        String description() {
            return description;
        }
    }

    private final Flaw flaw;

    DirectTableProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public String name() {
        return "direct-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CONCURRENT_WRITES);
    }

    @Override
    public MemTable create(long id) {
        return new Table(id, flaw);
    }

    @Override
    public MemTable createWithWal(long id, Path walFile, WalOptions options) {
        throw new UnsupportedOperationException(name() + " has no write-ahead log");
    }

    @Override
    public MemTable recoverFromWal(long id, Path walFile, WalOptions options) {
        throw new UnsupportedOperationException(name() + " has no write-ahead log");
    }

    /** One version, as a scan copies it. */
    private record Copied(Bytes key, Bytes value, long sequence) {
    }

    private static final class Table implements MemTable {
        private final long id;
        private final Flaw flaw;
        /** Each key's versions, by sequence descending (the newest first). */
        private final ConcurrentSkipListMap<Bytes, ConcurrentNavigableMap<Long, Bytes>> map =
                new ConcurrentSkipListMap<>();
        private final ReentrantLock batchLock = new ReentrantLock();
        private final AtomicLong size = new AtomicLong();
        /** The highest sequence taken or written; the next unversioned write takes one above. */
        private final AtomicLong taken = new AtomicLong();
        /** The highest sequence applied: lastSequence(). */
        private final AtomicLong applied = new AtomicLong();
        private final RaceWindow window = new RaceWindow();
        private volatile boolean written;
        private volatile boolean closed;
        private volatile boolean sealed;

        Table(long id, Flaw flaw) {
            this.id = id;
            this.flaw = flaw;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void put(Bytes key, Bytes value) {
            MemTable.checkEntry(key, value);
            checkWritable();
            putAt(key, value, taken.incrementAndGet());
        }

        @Override
        public void put(Bytes key, Bytes value, long sequence) {
            MemTable.checkEntry(key, value);
            MemTable.checkWriteSequence(sequence);
            checkWritable();
            raise(taken, sequence);
            putAt(key, value, sequence);
        }

        private void putAt(Bytes key, Bytes value, long sequence) {
            apply(key, value, sequence);
            size.addAndGet(key.length() + value.length() + VERSION_BYTES);
            written = true;
            raise(applied, sequence);
        }

        /** Stores one version. */
        private void apply(Bytes key, Bytes value, long sequence) {
            ConcurrentNavigableMap<Long, Bytes> versions = map.computeIfAbsent(key,
                    k -> new ConcurrentSkipListMap<>(Collections.reverseOrder()));
            if (flaw == Flaw.ONE_VERSION_PER_KEY) {
                versions.clear();
            }
            versions.put(sequence, value);
        }

        private static void raise(AtomicLong counter, long to) {
            long now = counter.get();
            while (now < to && !counter.compareAndSet(now, to)) {
                now = counter.get();
            }
        }

        @Override
        public void delete(Bytes key) {
            put(key, Bytes.EMPTY);
        }

        @Override
        public void delete(Bytes key, long sequence) {
            put(key, Bytes.EMPTY, sequence);
        }

        @Override
        public void write(WriteBatch batch) {
            Objects.requireNonNull(batch, "batch");
            checkWritable();
            if (flaw == Flaw.BATCH_TAKES_SEQUENCE_PER_ENTRY) {
                for (WriteBatch.Entry e : batch.entries()) {
                    put(e.key(), e.value());
                    window.widen();
                }
                return;
            }
            writeAt(batch, 0);
        }

        @Override
        public void write(WriteBatch batch, long sequence) {
            Objects.requireNonNull(batch, "batch");
            MemTable.checkWriteSequence(sequence);
            checkWritable();
            writeAt(batch, sequence);
        }

        /** Applies a checked batch at {@code sequence}, or at the next one if it is 0. */
        private void writeAt(WriteBatch batch, long sequence) {
            List<WriteBatch.Entry> entries = batch.entries();
            batchLock.lock();
            try {
                long seq = entries.isEmpty() ? 0
                        : sequence == 0 ? taken.incrementAndGet() : sequence;
                if (seq != 0) {
                    raise(taken, seq);
                }
                long added = batch.payloadBytes() + (long) entries.size() * VERSION_BYTES;
                switch (flaw) {
                    case BATCH_LOOP_STOPS_ONE_SHORT -> {
                        for (int i = 0; i < entries.size() - 1; i++) {
                            apply(entries.get(i).key(), entries.get(i).value(), seq);
                        }
                    }
                    case BATCH_DELETES_AFTER_PUTS -> {
                        for (WriteBatch.Entry e : entries) {
                            if (!e.isDelete()) {
                                apply(e.key(), e.value(), seq);
                            }
                        }
                        for (WriteBatch.Entry e : entries) {
                            if (e.isDelete()) {
                                apply(e.key(), e.value(), seq);
                            }
                        }
                    }
                    case BATCH_DELETE_REMOVES_KEY -> {
                        for (WriteBatch.Entry e : entries) {
                            if (e.isDelete()) {
                                map.remove(e.key());
                            } else {
                                apply(e.key(), e.value(), seq);
                            }
                        }
                    }
                    case BATCH_SIZE_COUNTS_COLLAPSED_ENTRIES -> {
                        Map<Bytes, Bytes> last = new LinkedHashMap<>();
                        for (WriteBatch.Entry e : entries) {
                            last.put(e.key(), e.value());
                        }
                        added = 0;
                        for (Map.Entry<Bytes, Bytes> e : last.entrySet()) {
                            apply(e.getKey(), e.getValue(), seq);
                            added += e.getKey().length() + e.getValue().length() + VERSION_BYTES;
                        }
                    }
                    default -> {
                        for (WriteBatch.Entry e : entries) {
                            apply(e.key(), e.value(), seq);
                        }
                    }
                }
                size.addAndGet(added);
                if (flaw == Flaw.EMPTY_BATCH_SETS_WRITTEN_FLAG || !entries.isEmpty()) {
                    written = true;
                }
                if (seq != 0) {
                    raise(applied, seq);
                }
            } finally {
                batchLock.unlock();
            }
            if (flaw == Flaw.BATCH_CLEARED_AFTER_WRITE) {
                batch.clear();
            }
        }

        @Override
        public Optional<Bytes> get(Bytes key) {
            return get(key, Long.MAX_VALUE);
        }

        @Override
        public Optional<Bytes> get(Bytes key, long sequence) {
            Objects.requireNonNull(key, "key");
            MemTable.checkReadSequence(sequence);
            checkOpen();
            ConcurrentNavigableMap<Long, Bytes> versions = map.get(key);
            Map.Entry<Long, Bytes> visible = versions == null ? null
                    : versions.ceilingEntry(sequence);
            return Optional.ofNullable(visible == null ? null : visible.getValue());
        }

        @Override
        public MemTableIterator scan(Bound lower, Bound upper) {
            return scan(lower, upper, Long.MAX_VALUE);
        }

        @Override
        public MemTableIterator scan(Bound lower, Bound upper, long sequence) {
            Objects.requireNonNull(lower, "lower");
            Objects.requireNonNull(upper, "upper");
            MemTable.checkReadSequence(sequence);
            return copy(lower, upper, sequence, false);
        }

        @Override
        public MemTableIterator versions(Bound lower, Bound upper) {
            Objects.requireNonNull(lower, "lower");
            Objects.requireNonNull(upper, "upper");
            return copy(lower, upper, Long.MAX_VALUE, true);
        }

        /** Copies the range: the version visible at {@code sequence} of each key, or all. */
        private MemTableIterator copy(Bound lower, Bound upper, long sequence, boolean all) {
            checkOpen();
            Bytes lo = lower.keyOrNull();
            Bytes hi = upper.keyOrNull();
            if (flaw == Flaw.EQUAL_BOUNDS_READ_AS_POINT_LOOKUP && lo != null && lo.equals(hi)) {
                List<Copied> point = new ArrayList<>();
                ConcurrentNavigableMap<Long, Bytes> versions = map.get(lo);
                if (versions != null) {
                    for (Map.Entry<Long, Bytes> v : all ? versions.entrySet()
                            : versions.tailMap(sequence, true).entrySet()) {
                        point.add(new Copied(lo, v.getValue(), v.getKey()));
                        if (!all) {
                            break;
                        }
                    }
                }
                return new SnapshotIterator(point);
            }
            boolean empty = flaw == Flaw.INVERTED_RANGE_REACHES_SUB_MAP
                    ? lo != null && lo.equals(hi) && !(lower.isInclusive() && upper.isInclusive())
                    : Bound.isEmptyRange(lower, upper);
            if (empty) {
                return flaw == Flaw.SHARED_EMPTY_ITERATOR ? MemTableIterator.empty()
                        : new SnapshotIterator(List.of());
            }
            Map<Bytes, ConcurrentNavigableMap<Long, Bytes>> view = map;
            if (lo != null && hi != null) {
                view = map.subMap(lo, lower.isInclusive(), hi, upper.isInclusive());
            } else if (lo != null) {
                view = map.tailMap(lo, lower.isInclusive());
            } else if (hi != null) {
                view = map.headMap(hi, upper.isInclusive());
            }
            List<Copied> copy = new ArrayList<>();
            for (Map.Entry<Bytes, ConcurrentNavigableMap<Long, Bytes>> e : view.entrySet()) {
                for (Map.Entry<Long, Bytes> v : all ? e.getValue().entrySet()
                        : e.getValue().tailMap(sequence, true).entrySet()) {
                    copy.add(new Copied(e.getKey(), v.getValue(), v.getKey()));
                    if (!all) {
                        break;
                    }
                }
            }
            return new SnapshotIterator(copy);
        }

        @Override
        public long lastSequence() {
            checkOpen();
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
            return !written;
        }

        @Override
        public void syncWal() {
            checkOpen();
        }

        /** No log to close: sealing only stops writes. */
        @Override
        public void seal() {
            checkOpen();
            sealed = true;
        }

        private void checkWritable() {
            checkOpen();
            if (sealed) {
                throw new IllegalStateException("memtable " + id + " is sealed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("memtable " + id + " is closed");
            }
        }

        /** A cursor over a copy of the range. */
        private final class SnapshotIterator implements MemTableIterator {
            private List<Copied> entries;
            private int pos;
            private boolean iteratorClosed;

            SnapshotIterator(List<Copied> entries) {
                this.entries = entries;
            }

            @Override
            public boolean isValid() {
                return !iteratorClosed && !tableClosed() && pos < entries.size();
            }

            @Override
            public Bytes key() {
                return current().key();
            }

            @Override
            public Bytes value() {
                return current().value();
            }

            @Override
            public long sequence() {
                return current().sequence();
            }

            @Override
            public void next() {
                check();
                if (pos < entries.size()) {
                    pos++;
                }
            }

            @Override
            public void close() {
                entries = List.of();
                iteratorClosed = flaw != Flaw.ITERATOR_CLOSE_NOT_RECORDED;
            }

            private Copied current() {
                check();
                if (pos >= entries.size()) {
                    throw new NoSuchElementException("not positioned on an entry");
                }
                return entries.get(pos);
            }

            private void check() {
                if (iteratorClosed) {
                    throw new IllegalStateException("iterator is closed");
                }
                if (tableClosed()) {
                    throw new IllegalStateException("memtable " + id + " is closed");
                }
            }

            private boolean tableClosed() {
                return flaw != Flaw.ITERATOR_IGNORES_TABLE_CLOSE && closed;
            }
        }
    }
}
