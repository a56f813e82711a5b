package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * An in-test memtable backend for the api's own tests: a {@link TreeMap} behind a read-write lock,
 * with the real {@link AbstractMemTable} plumbing (validation, sizes, closing, write-ahead order)
 * and, for tables with a log, {@link FileTestWal}. It implements {@link MemTableProvider} itself
 * (rather than {@link AbstractMemTableProvider}, whose logs come from the {@code wal} module
 * through {@link dev.memtable.MemTables#walProvider()}), and it can be told to pause writes, to
 * fail creating logs, and to check that writes are serialised.
 */
public final class TestBackend implements MemTableProvider {

    private final String name;
    private final Set<Capability> capabilities;
    private final Map<Path, FileTestWal> logs = new ConcurrentHashMap<>();
    private final AtomicInteger concurrentPutViolations = new AtomicInteger();
    private final List<Long> createdIds = new ArrayList<>();
    /** Runs inside every put and batch, before the map changes; null for none. */
    private volatile Consumer<Bytes> beforePut;
    private volatile boolean failLogCreation;

    private TestBackend(String name, Set<Capability> capabilities) {
        this.name = name;
        this.capabilities = capabilities;
    }

    /** A backend with {@link Capability#WAL} and {@link Capability#CONCURRENT_WRITES}. */
    public static TestBackend concurrent() {
        return new TestBackend("test-treemap",
                EnumSet.of(Capability.WAL, Capability.CONCURRENT_WRITES));
    }

    /** A backend that declares only {@link Capability#WAL}: callers must serialise writes. */
    public static TestBackend singleWriter() {
        return new TestBackend("test-single-writer", EnumSet.of(Capability.WAL));
    }

    /** A backend that declares no capability (no write-ahead log). */
    public static TestBackend inMemoryOnly() {
        return new TestBackend("test-no-wal", EnumSet.of(Capability.CONCURRENT_WRITES));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public MemTable create(long id) {
        synchronized (createdIds) {
            createdIds.add(id);
        }
        return new TestTable(id);
    }

    @Override
    public MemTable createWithWal(long id, Path walFile, WalOptions options) throws IOException {
        Objects.requireNonNull(walFile, "walFile");
        Objects.requireNonNull(options, "options");
        checkWal();
        if (failLogCreation) {
            throw new IOException("injected failure creating " + walFile);
        }
        FileTestWal log = FileTestWal.create(walFile);
        TestTable table = (TestTable) create(id);
        table.attachWal(log, options);
        logs.put(walFile, log);
        return table;
    }

    @Override
    public MemTable recoverFromWal(long id, Path walFile, WalOptions options) throws IOException {
        Objects.requireNonNull(walFile, "walFile");
        Objects.requireNonNull(options, "options");
        checkWal();
        TestTable table = new TestTable(id);
        FileTestWal log = FileTestWal.recover(walFile, table::applyRecovered);
        table.attachWal(log, options);
        logs.put(walFile, log);
        return table;
    }

    /** Returns the log this backend opened at {@code file}, or null. */
    public FileTestWal log(Path file) {
        return logs.get(file);
    }

    /** Returns the ids of every table created (not recovered), in order. */
    public List<Long> createdIds() {
        synchronized (createdIds) {
            return List.copyOf(createdIds);
        }
    }

    /** Sets a hook run inside every write, before the map changes (null: none). */
    public void beforePut(Consumer<Bytes> hook) {
        this.beforePut = hook;
    }

    /** Makes the next {@link #createWithWal} calls fail with an IOException. */
    public void failLogCreation(boolean fail) {
        this.failLogCreation = fail;
    }

    /** Returns how often two writes were inside one table's map at once (single-writer mode). */
    public int concurrentPutViolations() {
        return concurrentPutViolations.get();
    }

    private void checkWal() {
        if (!capabilities.contains(Capability.WAL)) {
            throw new UnsupportedOperationException("backend " + name + " has no write-ahead log");
        }
    }

    /** The table: a TreeMap behind a read-write lock. */
    private final class TestTable extends AbstractMemTable {
        private final TreeMap<Bytes, Bytes> map = new TreeMap<>();
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final AtomicInteger writersInside = new AtomicInteger();

        TestTable(long id) {
            super(id);
        }

        @Override
        protected void doPut(Bytes key, Bytes value) {
            boolean single = !capabilities.contains(Capability.CONCURRENT_WRITES);
            if (single && writersInside.incrementAndGet() > 1) {
                concurrentPutViolations.incrementAndGet();
            }
            try {
                Consumer<Bytes> hook = beforePut;
                if (hook != null) {
                    hook.accept(key);
                }
                if (single) {
                    Thread.yield(); // widen the window in which an unserialised writer overlaps
                }
                lock.writeLock().lock();
                try {
                    map.put(key, value);
                } finally {
                    lock.writeLock().unlock();
                }
            } finally {
                if (single) {
                    writersInside.decrementAndGet();
                }
            }
        }

        @Override
        protected Bytes doGet(Bytes key) {
            lock.readLock().lock();
            try {
                return map.get(key);
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Copies the range under the read lock: simple, and enough for tests. */
        @Override
        protected MemTableIterator doScan(Bound lower, Bound upper) {
            List<Map.Entry<Bytes, Bytes>> copy;
            lock.readLock().lock();
            try {
                copy = new ArrayList<>(Ranges.view(map, lower, upper).entrySet());
            } finally {
                lock.readLock().unlock();
            }
            return new ListIterator(copy);
        }

        @Override
        protected boolean doIsEmpty() {
            lock.readLock().lock();
            try {
                return map.isEmpty();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        protected void doClose() {
            lock.writeLock().lock();
            try {
                map.clear();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** An iterator over a copied list of entries. */
    private static final class ListIterator implements MemTableIterator {
        private final List<Map.Entry<Bytes, Bytes>> entries;
        private int index;

        ListIterator(List<Map.Entry<Bytes, Bytes>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean isValid() {
            return index < entries.size();
        }

        @Override
        public Bytes key() {
            if (!isValid()) {
                throw new NoSuchElementException("not positioned on an entry");
            }
            return entries.get(index).getKey();
        }

        @Override
        public Bytes value() {
            if (!isValid()) {
                throw new NoSuchElementException("not positioned on an entry");
            }
            return entries.get(index).getValue();
        }

        @Override
        public void next() {
            if (isValid()) {
                index++;
            }
        }

        @Override
        public void close() {
            index = entries.size();
        }
    }
}
