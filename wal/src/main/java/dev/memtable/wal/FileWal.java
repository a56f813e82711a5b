package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An open log file: appends under a short lock, group-committed syncs, sticky failure.
 *
 * <h2>Appends</h2>
 * A record is encoded and checksummed by the calling thread without any lock, then written to
 * the file at the current end under {@code appendLock} (one positional write, or several of at
 * most 256 KiB for a large record, so the JDK's per-thread direct buffers stay small). When
 * {@code append} returns, the record is in the operating system's cache: it survives a crash of
 * the process, and becomes durable at the next fsync.
 *
 * <h2>Group commit</h2>
 * {@link #syncTo(long)} follows the leader/follower pattern of RocksDB's write group and Pebble's
 * flush loop. Under {@code syncLock}: if the log is already durable to the position, return; if
 * no fsync is running, become the leader: note the current end of the written log, release the
 * lock, call {@code force(false)} (fdatasync), retake the lock, advance the durable position to
 * the noted end and wake everyone; otherwise wait for the running fsync to finish and look again.
 * Every waiter whose record was written before an fsync started is released by that fsync, so N
 * writers that each wait for their own record share fsyncs instead of queueing N of them. A
 * position is reported durable only after an fsync that started after the record was written.
 *
 * <h2>Failure</h2>
 * The first failed write or fsync is recorded, every waiter is woken, and from then on every
 * append, sync and close throws an {@link IOException} whose cause is that failure. An fsync is
 * never retried: after a failed fsync the kernel may have dropped the dirty pages and marked
 * them clean, so a retry could "succeed" without the data being on disk.
 *
 * <p><b>Note:</b> a {@link FileChannel} is interruptible: a thread interrupted <em>while</em> it
 * writes or fsyncs closes the channel, which fails the log as above. An interrupt status already
 * set when a thread enters is cleared for the I/O and restored afterwards, and waiting for
 * another thread's fsync ignores interrupts, so only an interrupt that lands during the system
 * call itself can do this. Do not interrupt threads that write to a log.
 *
 * <p>Thread-safe: every method may be called by any number of threads.
 */
final class FileWal implements Wal {

    /** The largest single write, so that the JDK's cached temporary direct buffers stay small. */
    private static final int WRITE_CHUNK = 256 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long salt;

    private final ReentrantLock appendLock = new ReentrantLock();
    /** The end of the written log; written under {@code appendLock}, read anywhere. */
    private volatile long appended;
    /** Set under {@code appendLock} when {@link #close()} starts; no append or sync starts after. */
    private volatile boolean closed;
    private final AtomicBoolean closeStarted = new AtomicBoolean();

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    /** Everything before this position is on stable storage. Guarded by {@code syncLock}. */
    private long durable;
    /** True while a leader is in {@code force}. Guarded by {@code syncLock}. */
    private boolean syncing;
    /** The first failure; never cleared. Written under {@code syncLock}. */
    private volatile Throwable failure;

    /**
     * @param end the end of the log, all of it durable already (the provider fsynced it)
     */
    FileWal(Path path, FileChannel channel, long salt, long end) {
        this.path = path;
        this.channel = channel;
        this.salt = salt;
        this.appended = end;
        this.durable = end;
    }

    @Override
    public Path path() {
        return path;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The record stores {@code sequence} as it is; recovery hands it back unchanged. The log
     * does not require sequences to grow: records come back in file order, each with its own.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key or value is over its limit, or {@code sequence}
     *     is not in {@code 1 .. MemTable.MAX_SEQUENCE} (nothing is written)
     */
    @Override
    public long append(Bytes key, Bytes value, long sequence) throws IOException {
        checkSequence(sequence);
        return write(RecordCodec.encode(key, value, sequence, salt));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The record stores {@code sequence} once, for all its entries.
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalArgumentException if the batch is empty, holds an entry over its limit or is
     *     too large for one record, or {@code sequence} is not in
     *     {@code 1 .. MemTable.MAX_SEQUENCE} (nothing is written)
     */
    @Override
    public long append(WriteBatch batch, long sequence) throws IOException {
        checkSequence(sequence);
        return write(RecordCodec.encode(batch, sequence, salt));
    }

    /**
     * Refuses a sequence outside {@code 1 .. MAX_SEQUENCE} before anything is encoded or written.
     * {@link dev.memtable.spi.AbstractMemTable} has checked it already; this is the cheap backstop
     * that keeps a record recovery would call malformed out of the file.
     *
     * @throws IllegalArgumentException naming the log and the sequence
     */
    private void checkSequence(long sequence) {
        if (sequence < 1 || sequence > MemTable.MAX_SEQUENCE) {
            throw new IllegalArgumentException("cannot append to write-ahead log " + path
                    + " at sequence " + sequence + ": a write sequence is from 1 to MAX_SEQUENCE ("
                    + MemTable.MAX_SEQUENCE + "); nothing was written");
        }
    }

    private long write(byte[] record) throws IOException {
        appendLock.lock();
        try {
            checkUsable();
            long at = appended;
            try {
                withoutInterrupt(() -> {
                    for (int off = 0; off < record.length; ) {
                        int n = Math.min(WRITE_CHUNK, record.length - off);
                        off += channel.write(ByteBuffer.wrap(record, off, n), at + off);
                    }
                });
            } catch (IOException | RuntimeException | Error e) {
                throw fail(e);
            }
            long end = at + record.length;
            appended = end;
            return end;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Positions already durable return at once (unless the log has failed). Waiting is not
     * interruptible.
     *
     * @throws IllegalArgumentException if {@code position} is negative or beyond
     *     {@link #position()}
     */
    @Override
    public void syncTo(long position) throws IOException {
        long end = appended;
        if (position < 0 || position > end) {
            throw new IllegalArgumentException("cannot sync to position " + position
                    + ": the log " + path + " ends at " + end);
        }
        if (closed) {
            checkUsable();
        }
        awaitDurable(position);
    }

    @Override
    public void sync() throws IOException {
        if (closed) {
            checkUsable();
        }
        awaitDurable(appended);
    }

    @Override
    public long position() {
        return appended;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Appends and syncs that start after {@code close} began throw; syncs already waiting are
     * covered by the final sync. The file lock is released with the channel.
     */
    @Override
    public void close() throws IOException {
        if (!closeStarted.compareAndSet(false, true)) {
            return;
        }
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
        IOException error = null;
        try {
            awaitDurable(appended);
        } catch (IOException e) {
            error = e;
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                if (error == null) {
                    error = e;
                } else {
                    error.addSuppressed(e);
                }
            }
        }
        if (error != null) {
            throw error;
        }
    }

    @Override
    public String toString() {
        return "FileWal[" + path + ", position=" + appended
                + (failure != null ? ", failed: " + failure : closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- group commit

    private void awaitDurable(long position) throws IOException {
        syncLock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failedException();
                }
                if (durable >= position) {
                    return;
                }
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long target = appended;
                Throwable error = null;
                syncLock.unlock();
                try {
                    withoutInterrupt(() -> channel.force(false));
                } catch (IOException | RuntimeException | Error e) {
                    error = e;
                } finally {
                    syncLock.lock();
                    syncing = false;
                }
                if (error != null) {
                    throw fail(error);
                }
                durable = Math.max(durable, target);
                syncDone.signalAll();
            }
        } finally {
            syncLock.unlock();
        }
    }

    // ---------------------------------------------------------------- failure

    /** Records the first failure, wakes every waiter, and returns what to throw (or throws). */
    private IOException fail(Throwable cause) {
        syncLock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            syncDone.signalAll();
        } finally {
            syncLock.unlock();
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return failedException();
    }

    private IOException failedException() {
        Throwable f = failure;
        return new IOException("write-ahead log " + path + " has failed and takes no more writes"
                + " or syncs (it never retries an fsync): " + f, f);
    }

    private void checkUsable() throws IOException {
        if (failure != null) {
            throw failedException();
        }
        if (closed) {
            throw new IOException("write-ahead log " + path + " is closed");
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    /** Runs I/O with the interrupt status cleared, so a pending interrupt cannot close the channel. */
    private static void withoutInterrupt(Io io) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            io.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns the salt of this file, for tests that forge records. */
    long salt() {
        return salt;
    }
}
