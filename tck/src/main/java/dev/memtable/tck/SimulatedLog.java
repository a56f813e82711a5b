package dev.memtable.tck;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.tck.SimulatedDisk.SimulatedFile;
import dev.memtable.tck.SimulatedDisk.SimulatedRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An open log on a {@link SimulatedDisk}: appends add records to its file, syncs move the file's
 * durable position, and the disk's refusals fail it for good. Every method synchronises on the
 * disk, so the disk's state is one consistent picture.
 */
final class SimulatedLog implements Wal {

    private final SimulatedDisk disk;
    private final Path path;
    private final SimulatedFile file;
    /** The first failure (a refused append or sync); never cleared. Guarded by the disk. */
    private IOException failure;
    private boolean closed;
    private boolean crashed;

    SimulatedLog(SimulatedDisk disk, Path path, SimulatedFile file) {
        this.disk = disk;
        this.path = path;
        this.file = file;
    }

    @Override
    public Path path() {
        return path;
    }

    /**
     * Appends the record whatever its sequence, as a real log does: a record whose sequence is
     * outside {@code 1 .. MAX_SEQUENCE} is stored, and rejected as damaged by recovery.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     */
    @Override
    public long append(Bytes key, Bytes value, long sequence) throws IOException {
        return add(List.of(new WriteBatch.Entry(key, value)), sequence);
    }

    /**
     * Appends the batch as one record at {@code sequence}, whatever the sequence (see
     * {@link #append(Bytes, Bytes, long)}).
     *
     * @throws NullPointerException if {@code batch} is null
     */
    @Override
    public long append(WriteBatch batch, long sequence) throws IOException {
        Objects.requireNonNull(batch, "batch");
        return add(List.copyOf(batch.entries()), sequence);
    }

    private long add(List<WriteBatch.Entry> entries, long sequence) throws IOException {
        synchronized (disk) {
            checkUsable();
            if (file.refuseAppend) {
                file.refuseAppend = false;
                throw fail("append");
            }
            long length = 8 + MemTable.VERSION_BYTES;
            for (WriteBatch.Entry e : entries) {
                length += 8L + e.key().length() + e.value().length();
            }
            SimulatedRecord r = new SimulatedRecord(sequence, entries, file.end(), length, false);
            file.records.add(r);
            return r.end();
        }
    }

    /** @throws IllegalArgumentException if {@code position} is negative or past the end */
    @Override
    public void syncTo(long position) throws IOException {
        synchronized (disk) {
            if (position < 0 || position > file.end()) {
                throw new IllegalArgumentException("cannot sync to position " + position
                        + ": the log " + path + " ends at " + file.end());
            }
            checkUsable();
            durableTo(position);
        }
    }

    @Override
    public void sync() throws IOException {
        synchronized (disk) {
            checkUsable();
            durableTo(file.end());
        }
    }

    @Override
    public long position() {
        synchronized (disk) {
            return file.end();
        }
    }

    /**
     * Syncs and closes; does nothing after a power loss (the process that held the log is gone).
     *
     * @throws IOException if the log had failed or the final sync is refused
     */
    @Override
    public void close() throws IOException {
        synchronized (disk) {
            if (closed || crashed) {
                return;
            }
            closed = true;
            file.open = null;
            if (failure != null) {
                throw failed();
            }
            durableTo(file.end());
        }
    }

    /** Called by the disk at a power loss. */
    void crash() {
        crashed = true;
    }

    @Override
    public String toString() {
        synchronized (disk) {
            return "SimulatedLog[" + path + ", position=" + file.end() + ", durable="
                    + file.durable + (crashed ? ", lost power" : failure != null ? ", failed"
                    : closed ? ", closed" : "") + "]";
        }
    }

    /** Makes the records up to {@code position} durable, unless the disk refuses this sync. */
    private void durableTo(long position) throws IOException {
        if (file.refuseSync) {
            file.refuseSync = false;
            throw fail("sync");
        }
        file.durable = Math.max(file.durable, position);
    }

    private IOException fail(String what) {
        failure = new IOException("the simulated disk refused the " + what + " of " + path);
        return failed();
    }

    private IOException failed() {
        return new IOException("write-ahead log " + path + " has failed and takes no more"
                + " writes or syncs: " + failure.getMessage(), failure);
    }

    private void checkUsable() throws IOException {
        if (crashed) {
            throw new IOException("write-ahead log " + path + " is gone: the simulated machine"
                    + " lost power");
        }
        if (failure != null) {
            throw failed();
        }
        if (closed) {
            throw new IOException("write-ahead log " + path + " is closed");
        }
    }
}
