package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import dev.memtable.spi.WalReplay;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * An in-test memtable backend for the set's own tests: a {@link TreeMap} behind a read-write lock,
 * with the real {@link AbstractMemTable} plumbing (validation, sizes, closing, write-ahead order)
 * and, for tables with a log, {@link FileTestWal}, handed to the provider as its log
 * implementation. It can be told to pause writes, to fail creating logs, and to check that writes
 * are serialised.
 */
public final class TestBackend extends AbstractMemTableProvider {

    private final String name;
    private final Set<Capability> capabilities;
    private final Map<Path, FileTestWal> logs;
    private final AtomicInteger concurrentPutViolations = new AtomicInteger();
    private final List<Long> createdIds = new ArrayList<>();
    /** Runs inside every put and batch, before the map changes; null for none. */
    private volatile Consumer<Bytes> beforePut;
    private final AtomicBoolean failLogCreation;
    private final TestLogs testLogs;

    private TestBackend(String name, Set<Capability> capabilities) {
        this(name, capabilities, new TestLogs(new ConcurrentHashMap<>(), new AtomicBoolean()));
    }

    private TestBackend(String name, Set<Capability> capabilities, TestLogs testLogs) {
        super(testLogs);
        this.name = name;
        this.capabilities = capabilities;
        this.logs = testLogs.logs;
        this.failLogCreation = testLogs.failCreation;
        this.testLogs = testLogs;
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
    public AbstractMemTable create(long id) {
        synchronized (createdIds) {
            createdIds.add(id);
        }
        return new TestTable(id);
    }

    /**
     * Returns the log implementation this backend's tables use ({@link FileTestWal}s); a set
     * built with {@code walProvider(backend.logs())} uses it too.
     */
    public WalProvider logs() {
        return testLogs;
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
        failLogCreation.set(fail);
    }

    /** Makes creating a log take {@code millis} longer, as its two fsyncs do on a slow disk. */
    public void logCreationDelay(long millis) {
        testLogs.creationDelayMillis = millis;
    }

    /** Makes recovering any log fail with {@code failure} (null: recover normally). */
    public void failRecovery(IOException failure) {
        testLogs.recoveryFailure = failure;
    }

    /** Returns how often two writes were inside one table's map at once (single-writer mode). */
    public int concurrentPutViolations() {
        return concurrentPutViolations.get();
    }

    /** The log implementation: {@link FileTestWal}s, remembered by file, failing on demand. */
    private static final class TestLogs implements WalProvider {
        private final Map<Path, FileTestWal> logs;
        private final AtomicBoolean failCreation;
        volatile long creationDelayMillis;
        volatile IOException recoveryFailure;

        TestLogs(Map<Path, FileTestWal> logs, AtomicBoolean failCreation) {
            this.logs = logs;
            this.failCreation = failCreation;
        }

        @Override
        public String name() {
            return "file-test-wal";
        }

        @Override
        public Wal create(Path file, WalOptions options) throws IOException {
            if (failCreation.get()) {
                throw new IOException("injected failure creating " + file);
            }
            if (creationDelayMillis > 0) {
                try {
                    Thread.sleep(creationDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted creating " + file, e);
                }
            }
            FileTestWal log = FileTestWal.create(file);
            logs.put(file, log);
            return log;
        }

        @Override
        public Wal recover(Path file, WalOptions options, WalReplay replay)
                throws IOException {
            IOException failure = recoveryFailure;
            if (failure != null) {
                throw failure;
            }
            FileTestWal log = FileTestWal.recover(file, replay);
            logs.put(file, log);
            return log;
        }

        @Override
        public long inspect(Path file, RecoveryMode mode, WalInspector inspector) {
            throw new UnsupportedOperationException("the test log has no inspector");
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }
    }

    /** The table: a TreeMap of version chains behind a read-write lock. */
    private final class TestTable extends AbstractMemTable {
        private final TreeMap<Bytes, Version> map = new TreeMap<>();
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final AtomicInteger writersInside = new AtomicInteger();

        TestTable(long id) {
            super(id);
        }

        @Override
        protected void doPut(Bytes key, Bytes value, long sequence) {
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
                    Versions.put(map, key, value, sequence);
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
        protected Bytes doGet(Bytes key, long sequence) {
            lock.readLock().lock();
            try {
                return Versions.get(map, key, sequence);
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Copies every version in the range under the read lock: simple, enough for tests. */
        @Override
        protected MemTableIterator doVersions(Bound lower, Bound upper) {
            List<Copied> copy = new ArrayList<>();
            lock.readLock().lock();
            try {
                for (Map.Entry<Bytes, Version> e : Ranges.view(map, lower, upper).entrySet()) {
                    for (Version v = e.getValue(); v != null; v = v.older()) {
                        copy.add(new Copied(e.getKey(), v.sequence(), v.value()));
                    }
                }
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

    /** One version copied out of a table. */
    private record Copied(Bytes key, long sequence, Bytes value) {
    }

    /** An iterator over a copied list of versions. */
    private static final class ListIterator implements MemTableIterator {
        private final List<Copied> entries;
        private int index;

        ListIterator(List<Copied> entries) {
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
            return entries.get(index).key();
        }

        @Override
        public Bytes value() {
            if (!isValid()) {
                throw new NoSuchElementException("not positioned on an entry");
            }
            return entries.get(index).value();
        }

        @Override
        public long sequence() {
            if (!isValid()) {
                throw new NoSuchElementException("not positioned on an entry");
            }
            return entries.get(index).sequence();
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
