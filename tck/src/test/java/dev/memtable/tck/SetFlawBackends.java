package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The broken backends of {@link SetFlaws}, each with one bug a backend author could make. */
final class SetFlawBackends {

    private SetFlawBackends() {
    }

    /**
     * Keeps each table's entries in an immutable sorted map: a put copies the map, adds the entry
     * and installs the copy with a plain (volatile) write instead of a compare-and-set. Readers
     * always see a consistent map, but two puts that overlap, on two cores or because one thread
     * is descheduled during its copy, install two copies of which only the last survives.
     */
    static final class CopyOnWriteBackend extends AbstractMemTableProvider {
        @Override
        public String name() {
            return "flawed-cow-lost-update";
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CONCURRENT_WRITES);
        }

        @Override
        public AbstractMemTable create(long id) {
            return new AbstractMemTable(id) {
                /** Never changed once installed (but for versions linked below a head). */
                private volatile TreeMap<Bytes, Version> map = new TreeMap<>();

                @Override
                protected void doPut(Bytes key, Bytes value, long sequence) {
                    TreeMap<Bytes, Version> copy = new TreeMap<>(map);
                    Versions.put(copy, key, value, sequence);
                    // A copy of a large map takes long; yielding here gives the small tables of
                    // the kit the same window for another put to run in between.
                    Thread.yield();
                    map = copy; // the flaw: no compare-and-set against a concurrent put
                }

                @Override
                protected Bytes doGet(Bytes key, long sequence) {
                    return Versions.get(map, key, sequence);
                }

                @Override
                protected MemTableIterator doVersions(Bound lower, Bound upper) {
                    return Versions.all(map, lower, upper);
                }

                @Override
                protected boolean doIsEmpty() {
                    return map.isEmpty();
                }
            };
        }
    }

    /**
     * A correct table (a concurrent skip list) whose log writes go through a buffer in memory
     * that is written out when it holds 64 KiB, on {@code sync} and on {@code close}, except where
     * the {@link Flaw} forgets it. The log underneath is the real one.
     */
    static final class BufferedLogBackend extends AbstractMemTableProvider {

        /** What the buffer forgets. */
        enum Flaw {
            /** {@code close()} closes the file without writing the buffer. */
            CLOSE_DROPS_BUFFER,
            /** {@code sync()} fsyncs the file without writing the buffer first. */
            SYNC_SKIPS_BUFFER
        }

        private final Flaw flaw;

        BufferedLogBackend(Flaw flaw) {
            this(flaw, MemTables.walProvider());
        }

        private BufferedLogBackend(Flaw flaw, WalProvider logs) {
            super(new BufferedLogs(logs, flaw));
            this.flaw = flaw;
        }

        @Override
        public String name() {
            return "flawed-buffered-log";
        }

        @Override
        public MemTableProvider withWalProvider(WalProvider logs) {
            return new BufferedLogBackend(flaw, logs);
        }

        @Override
        public AbstractMemTable create(long id) {
            return new AbstractMemTable(id) {
                private final ConcurrentSkipListMap<Bytes, Version> map =
                        new ConcurrentSkipListMap<>();

                @Override
                protected void doPut(Bytes key, Bytes value, long sequence) {
                    Versions.put(map, key, value, sequence);
                }

                @Override
                protected Bytes doGet(Bytes key, long sequence) {
                    return Versions.get(map, key, sequence);
                }

                @Override
                protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
                    return Versions.scan(map, lower, upper, sequence);
                }

                @Override
                protected MemTableIterator doVersions(Bound lower, Bound upper) {
                    return Versions.all(map, lower, upper);
                }

                @Override
                protected boolean doIsEmpty() {
                    return map.isEmpty();
                }
            };
        }
    }

    /** Opens the real logs behind a {@link BufferedLog}. */
    private record BufferedLogs(WalProvider inner, BufferedLogBackend.Flaw flaw)
            implements WalProvider {
        @Override
        public String name() {
            return "buffered " + inner.name();
        }

        @Override
        public Wal create(Path file, WalOptions options) throws IOException {
            return new BufferedLog(inner.create(file, options), flaw);
        }

        @Override
        public Wal recover(Path file, WalOptions options, WalReplay replay)
                throws IOException {
            return new BufferedLog(inner.recover(file, options, replay), flaw);
        }

        @Override
        public long inspect(Path file, RecoveryMode mode, WalInspector inspector)
                throws IOException {
            return inner.inspect(file, mode, inspector);
        }

        @Override
        public void delete(Path file) throws IOException {
            inner.delete(file);
        }
    }

    /** A record waiting in a {@link BufferedLog}. */
    private record Pending(long sequence, WriteBatch batch) {
    }

    /** A log whose appends wait in memory; positions count records. */
    private static final class BufferedLog implements Wal {
        private static final long LIMIT = 64 * 1024;

        private final Wal inner;
        private final BufferedLogBackend.Flaw flaw;
        private final List<Pending> pending = new ArrayList<>();
        private long pendingBytes;
        private long records;

        BufferedLog(Wal inner, BufferedLogBackend.Flaw flaw) {
            this.inner = inner;
            this.flaw = flaw;
        }

        @Override
        public Path path() {
            return inner.path();
        }

        @Override
        public long append(Bytes key, Bytes value, long sequence) throws IOException {
            return append(new WriteBatch().put(key, value), sequence);
        }

        @Override
        public synchronized long append(WriteBatch batch, long sequence) throws IOException {
            pending.add(new Pending(sequence, batch));
            pendingBytes += batch.payloadBytes();
            if (pendingBytes >= LIMIT) {
                writeOut();
            }
            return ++records;
        }

        @Override
        public void syncTo(long position) throws IOException {
            sync();
        }

        @Override
        public synchronized void sync() throws IOException {
            if (flaw != BufferedLogBackend.Flaw.SYNC_SKIPS_BUFFER) {
                writeOut();
            }
            inner.sync();
        }

        @Override
        public synchronized long position() {
            return records;
        }

        @Override
        public synchronized void close() throws IOException {
            if (flaw != BufferedLogBackend.Flaw.CLOSE_DROPS_BUFFER) {
                writeOut();
            }
            inner.close();
        }

        private void writeOut() throws IOException {
            for (Pending p : pending) {
                inner.append(p.batch(), p.sequence());
            }
            pending.clear();
            pendingBytes = 0;
        }
    }

    /**
     * Wraps the tables of a correct backend (to count calls, say) and forwards every method of
     * {@link MemTable} but {@link MemTable#seal()}, which was added later: the interface's
     * default then runs, which only syncs, so the table keeps taking writes and its log open.
     */
    static final class SealNotForwarded implements MemTableProvider {
        private final MemTableProvider inner;

        SealNotForwarded() {
            this(new FlawedProvider(FlawedProvider.Flaw.NONE,
                    EnumSet.of(Capability.WAL, Capability.CONCURRENT_WRITES)));
        }

        private SealNotForwarded(MemTableProvider inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "flawed-seal-not-forwarded";
        }

        @Override
        public Set<Capability> capabilities() {
            return inner.capabilities();
        }

        @Override
        public MemTable create(long id) {
            return new Counted(inner.create(id));
        }

        @Override
        public MemTable createWithWal(long id, Path walFile, WalOptions options)
                throws IOException {
            return new Counted(inner.createWithWal(id, walFile, options));
        }

        @Override
        public MemTable recoverFromWal(long id, Path walFile, WalOptions options)
                throws IOException {
            return new Counted(inner.recoverFromWal(id, walFile, options));
        }

        @Override
        public MemTableProvider withWalProvider(WalProvider logs) {
            return new SealNotForwarded(inner.withWalProvider(logs));
        }
    }

    /** Forwards everything but {@code seal()}. */
    private record Counted(MemTable table) implements MemTable {
        @Override
        public long id() {
            return table.id();
        }

        @Override
        public void put(Bytes key, Bytes value) {
            table.put(key, value);
        }

        @Override
        public void put(Bytes key, Bytes value, long sequence) {
            table.put(key, value, sequence);
        }

        @Override
        public void delete(Bytes key) {
            table.delete(key);
        }

        @Override
        public void delete(Bytes key, long sequence) {
            table.delete(key, sequence);
        }

        @Override
        public void write(WriteBatch batch) {
            table.write(batch);
        }

        @Override
        public void write(WriteBatch batch, long sequence) {
            table.write(batch, sequence);
        }

        @Override
        public Optional<Bytes> get(Bytes key) {
            return table.get(key);
        }

        @Override
        public Optional<Bytes> get(Bytes key, long sequence) {
            return table.get(key, sequence);
        }

        @Override
        public MemTableIterator scan(Bound lower, Bound upper) {
            return table.scan(lower, upper);
        }

        @Override
        public MemTableIterator scan(Bound lower, Bound upper, long sequence) {
            return table.scan(lower, upper, sequence);
        }

        @Override
        public MemTableIterator versions(Bound lower, Bound upper) {
            return table.versions(lower, upper);
        }

        @Override
        public long lastSequence() {
            return table.lastSequence();
        }

        @Override
        public long approximateSize() {
            return table.approximateSize();
        }

        @Override
        public boolean isEmpty() {
            return table.isEmpty();
        }

        @Override
        public void syncWal() throws IOException {
            table.syncWal();
        }

        @Override
        public void close() throws IOException {
            table.close();
        }
    }
}
