package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.SyncPolicy;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An open log file: appends under a short lock, group-committed syncs, sticky failure.
 *
 * <h2>Appends</h2>
 * A record is encoded and checksummed by the calling thread without any lock. What happens next
 * depends on the {@link SyncPolicy} the log was created with:
 * <ul>
 *   <li>{@link SyncPolicy#EXPLICIT} (<em>write-through</em>): the record is written to the file
 *       at the current end under {@code appendLock} (one positional write, or several of at most
 *       256 KiB for a large record). When {@code append} returns the record is in the operating
 *       system's cache: it survives a crash of the process.</li>
 *   <li>{@link SyncPolicy#EVERY_WRITE} and {@link SyncPolicy#BUFFERED} (<em>gathered</em>): the
 *       record is added to the log's in-memory buffer under {@code appendLock} (a single put is
 *       encoded and checksummed straight into it; a batch is encoded first and copied) and reaches the
 *       file with the other records of the buffer in one {@code write}: when the buffer would
 *       overflow (by the appender that finds it full, before it adds its own record), when a
 *       sync needs it ({@link #syncTo}, {@link #sync}), and at {@link #close()}. Under
 *       {@code EVERY_WRITE} the table syncs each write before acknowledging it, so the buffer
 *       only gathers the records of one group commit (as Pebble's {@code LogWriter} and
 *       RocksDB's write group do); under {@code BUFFERED} a record is acknowledged while it is
 *       still in the buffer.</li>
 * </ul>
 * A record larger than the buffer is written directly, after the buffer is written out, so
 * the file order is always the order of the positions {@code append} returned. Two buffers
 * alternate: appenders fill one while the other is being written.
 *
 * <h2>Group commit</h2>
 * {@link #syncTo(long)} follows the leader/follower pattern of RocksDB's write group and Pebble's
 * flush loop. Under {@code syncLock}: if the log is already durable to the position, return; if
 * no sync is running, become the leader: release the lock, write out the buffer, call
 * {@code force(false)} (fdatasync), then retake the lock and advance the durable position to the
 * end of what was written; otherwise queue as a waiter and park. The leader wakes exactly the
 * waiters its fsync covered, and first of all one waiter it did not cover (if any), which becomes
 * the next leader at once, so the next fsync overlaps the wake-ups. Waiters park on their own
 * (no shared condition, so no herd re-contending for one lock) and, once woken, check the
 * volatile durable position without taking a lock. A position is reported durable only after an
 * fsync that started after the record was written.
 *
 * <h2>Failure</h2>
 * The first failed write or fsync is recorded, every waiter is woken, and from then on every
 * append, sync and close throws an {@link IOException} whose cause is that failure. An fsync is
 * never retried: after a failed fsync the kernel may have dropped the dirty pages and marked
 * them clean, so a retry could "succeed" without the data being on disk. A buffer whose write
 * failed is not written again either: the records in it (acknowledged under {@code BUFFERED},
 * not yet under the other policies) may or may not be in the file.
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

    /** The largest single write of a record that bypasses the buffer. */
    private static final int WRITE_CHUNK = 256 * 1024;
    /** Buffer size under {@link SyncPolicy#BUFFERED}: each of its two buffers. */
    static final int BUFFERED_CAPACITY = 256 * 1024;
    /** Buffer size under {@link SyncPolicy#EVERY_WRITE}: one group commit's records. */
    static final int GATHER_CAPACITY = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long salt;
    /** True under EVERY_WRITE and BUFFERED: appends go to {@code pending}. */
    private final boolean gathered;
    /** The capacity of each buffer; 0 in write-through mode. */
    private final int capacity;

    private final ReentrantLock appendLock = new ReentrantLock();
    /** The end of the log as appended (in the file or the buffer); written under {@code appendLock}. */
    private volatile long appended;
    /** Set under {@code appendLock} when {@link #close()} starts; no append or sync starts after. */
    private volatile boolean closed;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    /**
     * Records appended but not yet written ({@code pending[0, pendingLength)}), which belong at
     * file offset {@link #written}. Guarded by {@code appendLock}; swapped with {@code spare} by
     * the writer holding {@code writeLock}. Null in write-through mode.
     */
    private byte[] pending;
    /** Bytes used in {@code pending}. Guarded by {@code appendLock}. */
    private int pendingLength;
    /** The file's salted checksum for records encoded into {@code pending}. Guarded by {@code appendLock}. */
    private final LogFormat.SaltedCrc pendingCrc;

    /** Serialises writers of the file (buffer write-outs and direct writes of large records). */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The other buffer, empty. Guarded by {@code writeLock}. */
    private byte[] spare;
    /** The end of what was written to the file; written under {@code writeLock}. */
    private volatile long written;

    private final ReentrantLock syncLock = new ReentrantLock();
    /** Everything before this position is on stable storage. Written under {@code syncLock}. */
    private volatile long durable;
    /** True while a leader writes out and fsyncs. Guarded by {@code syncLock}. */
    private boolean syncing;
    /** Threads waiting for a sync, in arrival order. Guarded by {@code syncLock}. */
    private final List<Waiter> waiters = new ArrayList<>();
    /** The first failure; never cleared. Written under {@code syncLock}. */
    private volatile Throwable failure;

    /** A thread parked until a sync covers its position (or it is asked to lead, or failure). */
    private static final class Waiter {
        final long position;
        final Thread thread = Thread.currentThread();
        volatile boolean woken;

        Waiter(long position) {
            this.position = position;
        }

        void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }
    }

    /**
     * @param end the end of the log, all of it durable already (the provider fsynced it)
     * @param policy how appends reach the file (see the class documentation)
     */
    FileWal(Path path, FileChannel channel, long salt, long end, SyncPolicy policy) {
        this.path = path;
        this.channel = channel;
        this.salt = salt;
        this.appended = end;
        this.written = end;
        this.durable = end;
        this.gathered = policy != SyncPolicy.EXPLICIT;
        this.capacity = !gathered ? 0
                : policy == SyncPolicy.BUFFERED ? BUFFERED_CAPACITY : GATHER_CAPACITY;
        this.pendingCrc = new LogFormat.SaltedCrc(salt);
        if (gathered) {
            this.pending = new byte[capacity];
            this.spare = new byte[capacity];
        }
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
        if (gathered) {
            int size = RecordCodec.putSize(key, value);
            if (size <= capacity) {
                return gatherPut(key, value, sequence, size);
            }
        }
        return write(RecordCodec.encode(key, value, sequence, salt));
    }

    /**
     * Encodes one put straight into the buffer (no record array, no copy), writing the buffer
     * out first if the record does not fit. {@code size <= capacity}; arguments are checked.
     */
    private long gatherPut(Bytes key, Bytes value, long sequence, int size) throws IOException {
        while (true) {
            appendLock.lock();
            try {
                checkUsable();
                int at = pendingLength;
                if (capacity - at >= size) {
                    RecordCodec.encodePut(pending, at, size, key, value, sequence, pendingCrc);
                    pendingLength = at + size;
                    long end = appended + size;
                    appended = end;
                    return end;
                }
            } finally {
                appendLock.unlock();
            }
            writeLock.lock();
            try {
                writeOut();
            } finally {
                writeLock.unlock();
            }
        }
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
        if (!gathered || record.length > capacity) {
            return writeDirect(record);
        }
        while (true) {
            appendLock.lock();
            try {
                checkUsable();
                int at = pendingLength;
                if (capacity - at >= record.length) {
                    System.arraycopy(record, 0, pending, at, record.length);
                    pendingLength = at + record.length;
                    long end = appended + record.length;
                    appended = end;
                    return end;
                }
            } finally {
                appendLock.unlock();
            }
            // Full: write the buffer out before this record joins the next one. If that fails,
            // this record was never buffered, so its write fails with nothing of it in the file.
            writeLock.lock();
            try {
                writeOut();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Writes {@code record} at the end of the file itself, after anything buffered. */
    private long writeDirect(byte[] record) throws IOException {
        writeLock.lock();
        try {
            if (gathered) {
                writeOut();
            }
            appendLock.lock();
            try {
                checkUsable();
                long at = appended;
                if (gathered && pendingLength > 0) {
                    // Records were buffered since writeOut: they go first.
                    writeOutLocked();
                }
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
                written = end;
                return end;
            } finally {
                appendLock.unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes the buffered records to the file. The caller holds {@code writeLock} but not
     * {@code appendLock}: appenders fill the other buffer meanwhile.
     *
     * @throws IOException (the log has failed) if the write fails or the log failed before
     */
    private void writeOut() throws IOException {
        byte[] full;
        int length;
        long at;
        appendLock.lock();
        try {
            length = pendingLength;
            if (length == 0) {
                return;
            }
            if (failure != null) {
                throw failedException();
            }
            full = pending;
            pending = spare;
            pendingLength = 0;
            at = written;
        } finally {
            appendLock.unlock();
        }
        spare = full;   // empty once written; whether or not the write succeeds
        writeFully(full, length, at);
        written = at + length;
    }

    /** As {@link #writeOut()}, with {@code appendLock} held too (a direct write is next). */
    private void writeOutLocked() throws IOException {
        int length = pendingLength;
        long at = written;
        pendingLength = 0;
        writeFully(pending, length, at);
        written = at + length;
    }

    /**
     * Writes {@code buffer[0, length)} at file offset {@code at}; the caller holds
     * {@code writeLock}.
     *
     * @throws IOException (the log has failed) if the write fails
     */
    private void writeFully(byte[] buffer, int length, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, length);
        try {
            withoutInterrupt(() -> {
                for (long pos = at; b.hasRemaining(); ) {
                    pos += channel.write(b, pos);
                }
            });
        } catch (IOException | RuntimeException | Error e) {
            throw fail(e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Positions already durable return at once (unless the log has failed). Buffered records
     * up to the position are written out first. Waiting is not interruptible.
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
     * <p>Writes out the buffer, syncs, and closes. Appends and syncs that start after
     * {@code close} began throw; syncs already waiting are covered by the final sync. The file
     * lock is released with the channel.
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
        if (failure == null && durable >= position) {
            return;
        }
        boolean interrupted = false;
        try {
            syncLock.lock();
            try {
                while (true) {
                    if (failure != null) {
                        throw failedException();
                    }
                    if (durable >= position) {
                        return;
                    }
                    if (!syncing) {
                        lead();
                        continue;
                    }
                    Waiter me = new Waiter(position);
                    waiters.add(me);
                    syncLock.unlock();
                    while (!me.woken) {
                        LockSupport.park(this);
                        if (Thread.interrupted()) {
                            interrupted = true;
                        }
                    }
                    // Covered (the common case): done without touching the lock (the finally
                    // below unlocks only a lock this thread holds).
                    if (failure == null && durable >= position) {
                        return;
                    }
                    syncLock.lock();
                }
            } finally {
                if (syncLock.isHeldByCurrentThread()) {
                    syncLock.unlock();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Writes out the buffer and fsyncs everything written, as the leader; then wakes the next
     * leader and the waiters covered. Called and returns with {@code syncLock} held.
     */
    private void lead() throws IOException {
        syncing = true;
        Throwable error = null;
        long target = 0;
        syncLock.unlock();
        try {
            if (gathered) {
                writeLock.lock();
                try {
                    writeOut();
                } finally {
                    writeLock.unlock();
                }
            }
            target = written;
            withoutInterrupt(() -> channel.force(false));
        } catch (IOException | RuntimeException | Error e) {
            error = e;
        } finally {
            syncLock.lock();
            syncing = false;
        }
        if (error != null) {
            // fail() records the failure and wakes every waiter; writeOut has done so already.
            throw fail(error);
        }
        if (target > durable) {
            durable = target;
        }
        Waiter next = null;
        List<Waiter> covered = null;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.position <= target) {
                it.remove();
                if (covered == null) {
                    covered = new ArrayList<>();
                }
                covered.add(w);
            } else if (next == null) {
                it.remove();
                next = w;
            }
        }
        if (next != null) {
            next.wake();
        }
        if (covered != null) {
            // Unparking is a system call each; do it without the lock, others may enqueue.
            syncLock.unlock();
            try {
                for (Waiter w : covered) {
                    w.wake();
                }
            } finally {
                syncLock.lock();
            }
        }
    }

    // ---------------------------------------------------------------- failure

    /** Records the first failure, wakes every waiter, and returns what to throw (or throws). */
    private IOException fail(Throwable cause) {
        boolean held = syncLock.isHeldByCurrentThread();
        if (!held) {
            syncLock.lock();
        }
        try {
            if (failure == null) {
                failure = cause;
            }
            for (Waiter w : waiters) {
                w.wake();
            }
            waiters.clear();
        } finally {
            if (!held) {
                syncLock.unlock();
            }
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
