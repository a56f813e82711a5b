package dev.memtable.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * RocksDB through its Java binding, in one of two set-ups:
 * <ul>
 *   <li>{@linkplain #memtableOnly memtable only}: the WAL disabled
 *       ({@code WriteOptions.setDisableWAL(true)}), a write buffer larger than the run's data,
 *       automatic compactions off and no flush at shutdown, so every operation stays in the
 *       memtable (its default concurrent skip list). {@link #close()} fails if a flush happened
 *       anyway, so a run that left the memtable cannot pass unnoticed;</li>
 *   <li>{@linkplain #synced synced}: the WAL on and {@code WriteOptions.setSync(true)}, for the
 *       durable-write comparison.</li>
 * </ul>
 * Reads copy into per-thread buffers ({@code get(ReadOptions, byte[], byte[])},
 * {@code RocksIterator.key(byte[])}), the allocation-free calls of the binding, so RocksDB is not
 * charged for garbage a careful user would avoid.
 */
final class RocksDbContender implements Contender {

    /** Blocks of the memtable arena: RocksDB's usual 1 MiB (its default caps it there too). */
    private static final long ARENA_BLOCK = 1L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final boolean memtableOnly;
    private final Options options;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final RocksDB db;
    private final ThreadLocal<Scratch> scratch;

    private RocksDbContender(Path dir, boolean memtableOnly, long writeBufferBytes, int valueSize) {
        this.dir = dir;
        this.memtableOnly = memtableOnly;
        this.options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(writeBufferBytes)
                .setArenaBlockSize(ARENA_BLOCK)
                .setMaxWriteBufferNumber(2)
                .setDisableAutoCompactions(true)
                .setAvoidFlushDuringShutdown(true);
        this.writeOptions = new WriteOptions();
        if (memtableOnly) {
            writeOptions.setDisableWAL(true);
        } else {
            writeOptions.setSync(true);
        }
        this.readOptions = new ReadOptions();
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            writeOptions.close();
            readOptions.close();
            options.close();
            throw new IllegalStateException("could not open RocksDB in " + dir + ": " + e, e);
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(valueSize));
    }

    /**
     * Opens a fresh database in a new directory under {@code parent}, WAL disabled, whose
     * memtable can hold {@code expectedBytes} of keys and values (plus overwrites) without a
     * flush.
     */
    static RocksDbContender memtableOnly(Path parent, long expectedBytes, int valueSize) {
        // Node overhead is small next to the payload; 2x plus 256 MiB leaves room for overwrites
        // in the mixed workload. RocksDB allocates the arena on demand, so this costs nothing.
        long writeBuffer = 2 * expectedBytes + (256L << 20);
        return new RocksDbContender(newDir(parent), true, writeBuffer, valueSize);
    }

    /** Opens a fresh database with its WAL on and every write synced. */
    static RocksDbContender synced(Path parent, int valueSize) {
        return new RocksDbContender(newDir(parent), false, 256L << 20, valueSize);
    }

    /** Returns a RocksDB property as a number, e.g. {@code rocksdb.cur-size-all-mem-tables}. */
    long longProperty(String name) {
        try {
            return db.getLongProperty(name);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB property " + name + ": " + e, e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB put failed: " + e, e);
        }
    }

    @Override
    public Object get(byte[] key) {
        byte[] buffer = scratch.get().value;
        try {
            return db.get(readOptions, key, buffer) == RocksDB.NOT_FOUND ? null : buffer;
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB get failed: " + e, e);
        }
    }

    @Override
    public int scan(byte[] from, byte[] to, int expected, Blackhole sink) {
        Scratch s = scratch.get();
        int n = 0;
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(from); n < expected && it.isValid(); it.next()) {
                sink.consume(it.key(s.key));
                sink.consume(it.value(s.value));
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            if (memtableOnly) {
                checkStillInMemtable();
            }
        } finally {
            db.close();
            writeOptions.close();
            readOptions.close();
            options.close();
            deleteRecursively(dir);
        }
    }

    private void checkStillInMemtable() {
        long immutable = longProperty("rocksdb.num-immutable-mem-table");
        long flushed = longProperty("rocksdb.total-sst-files-size");
        if (immutable != 0 || flushed != 0) {
            throw new IllegalStateException("RocksDB left its memtable during the run ("
                    + immutable + " immutable memtables, " + flushed + " bytes in SST files): the"
                    + " numbers are not memtable-only. Raise the write buffer in "
                    + RocksDbContender.class.getName());
        }
    }

    @Override
    public String toString() {
        return Contenders.ROCKSDB + (memtableOnly ? "" : " (sync=true)");
    }

    private static Path newDir(Path parent) {
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "rocksdb-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a RocksDB directory under " + parent, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Per-thread copy targets for reads. */
    private static final class Scratch {
        final byte[] key = new byte[Data.KEY_LENGTH];
        final byte[] value;

        Scratch(int valueSize) {
            this.value = new byte[valueSize];
        }
    }
}
