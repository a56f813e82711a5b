package dev.memtable.bench;

import dev.memtable.Bytes;
import dev.memtable.MemTables;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A contender of the log benchmarks: something that appends key/value records to a file,
 * either unsynced or waiting until each record is durable. Named like the table contenders:
 * {@value Contenders#RAW_FILE}, {@value Contenders#WAL} (the log alone, through
 * {@link MemTables#walProvider()}), {@value Contenders#ROCKSDB} (synced only), or a backend name
 * (a memtable created with {@code createWithWal}, so a write is log plus memory). Unsynced, the
 * log and the tables use {@code SyncPolicy.EXPLICIT} (one {@code write} system call per record);
 * a name with the suffix {@value #BUFFERED_SUFFIX} ({@code wal-buffered},
 * {@code skiplist-buffered}, ...) uses {@code SyncPolicy.BUFFERED} instead (unsynced only).
 *
 * <p>Thread-safe: the raw file serialises its writers with a lock; the others are thread-safe by
 * contract.
 */
interface LogWriter extends AutoCloseable {

    /** The suffix of a contender name that asks for {@code SyncPolicy.BUFFERED}. */
    String BUFFERED_SUFFIX = "-buffered";

    /** Appends one record; in synced mode returns only once it is durable. */
    void append(byte[] key, byte[] value);

    /** Closes the writer (files stay; the caller deletes them). */
    @Override
    void close();

    /**
     * Opens a writer on a new file (or, for RocksDB, a new database directory) at {@code file}.
     *
     * @throws IllegalStateException with the discovery message if the contender needs the
     *     write-ahead log and none is on the class path
     * @throws IllegalArgumentException if {@code contender} is unknown, RocksDB unsynced, or
     *     buffered and synced
     * @throws UncheckedIOException if the file or its directory cannot be created
     */
    static LogWriter open(String contender, Path file, boolean synced, int valueSize) {
        boolean buffered = contender.endsWith(BUFFERED_SUFFIX);
        if (buffered) {
            if (synced) {
                throw new IllegalArgumentException(contender + " is a contender of the unsynced"
                        + " log benchmark only (SyncPolicy.BUFFERED acknowledges unsynced writes)");
            }
            contender = contender.substring(0, contender.length() - BUFFERED_SUFFIX.length());
        }
        WalOptions options = WalOptions.defaults().withSyncPolicy(synced ? SyncPolicy.EVERY_WRITE
                : buffered ? SyncPolicy.BUFFERED : SyncPolicy.EXPLICIT);
        try {
            // A log is created in an existing directory; the benchmarks own this one.
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + file, e);
        }
        switch (contender) {
            case Contenders.RAW_FILE: {
                RawFile raw = RawFile.create(file);
                return synced ? new SyncedRaw(raw) : new UnsyncedRaw(raw);
            }
            case Contenders.WAL: {
                Wal wal;
                try {
                    wal = MemTables.walProvider().create(file, options);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the log " + file, e);
                }
                return new WalOnly(wal, synced);
            }
            case Contenders.ROCKSDB: {
                if (!synced) {
                    throw new IllegalArgumentException("RocksDB is a contender of the synced"
                            + " log benchmark only (unsynced, its log is not comparable)");
                }
                RocksDbContender db = RocksDbContender.synced(file.getParent(), valueSize);
                return new TableWriter(db);
            }
            default: {
                try {
                    return new TableWriter(new MemTableContender(contender,
                            Contenders.backend(contender)
                                    .createWithWal(Contenders.nextId(), file, options)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the log " + file, e);
                }
            }
        }
    }

    /** The raw file, single writer, through its 64 KiB buffer. */
    final class UnsyncedRaw implements LogWriter {
        private final RawFile raw;

        UnsyncedRaw(RawFile raw) {
            this.raw = raw;
        }

        @Override
        public void append(byte[] key, byte[] value) {
            try {
                raw.append(key, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /** The raw file, each record written and forced under one lock. */
    final class SyncedRaw implements LogWriter {
        private final RawFile raw;
        private final ReentrantLock lock = new ReentrantLock();

        SyncedRaw(RawFile raw) {
            this.raw = raw;
        }

        @Override
        public void append(byte[] key, byte[] value) {
            lock.lock();
            try {
                raw.appendSynced(key, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /**
     * The write-ahead log alone, through the SPI that every table's log plumbing uses. Each record
     * takes the next sequence from a shared counter, as a table's unversioned writes do, so the
     * work per append is what a table asks of its log.
     */
    final class WalOnly implements LogWriter {
        private final Wal wal;
        private final boolean synced;
        private final AtomicLong sequence = new AtomicLong();

        WalOnly(Wal wal, boolean synced) {
            this.wal = wal;
            this.synced = synced;
        }

        @Override
        public void append(byte[] key, byte[] value) {
            try {
                long end = wal.append(Bytes.wrap(key), Bytes.wrap(value),
                        sequence.incrementAndGet());
                if (synced) {
                    wal.syncTo(end);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                wal.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A table whose puts go through its log: a memtable with a WAL, or synced RocksDB. */
    final class TableWriter implements LogWriter {
        private final Contender table;

        TableWriter(Contender table) {
            this.table = table;
        }

        @Override
        public void append(byte[] key, byte[] value) {
            table.put(key, value);
        }

        @Override
        public void close() {
            table.close();
        }
    }
}
