package dev.memtable.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The durable record of which runs are live, and what the store's memtable logs no longer need
 * to hold: one small checksummed file, {@code MANIFEST}, replaced whole on every change (format:
 * {@code store/FORMAT.md}, "Manifest"). A new manifest is written to {@code MANIFEST.tmp},
 * forced, renamed over {@code MANIFEST} and the directory forced, so at every moment
 * {@code MANIFEST} is either the old or the new one, whole; a crash leaves at most a torn
 * {@code MANIFEST.tmp}, which {@link #read} ignores (the store deletes it). Immutable.
 *
 * @param nextRunId the id the next run file gets (ids rise and are never reused)
 * @param flushedThroughTable the highest memtable id whose versions are in the runs: its log, and
 *     every older one, may be deleted
 * @param lastSequence the highest sequence of any version in the runs (0 if none): the store's
 *     sequences start above it after a restart
 * @param runs the live runs' ids, newest first
 */
record Manifest(long nextRunId, long flushedThroughTable, long lastSequence, long[] runs) {

    static final String NAME = "MANIFEST";
    static final String TEMPORARY = "MANIFEST.tmp";
    static final int MAGIC = 0x464d544d; // "MTMF" little-endian
    static final int VERSION = 1;
    /** magic, version, run count. */
    static final int HEADER = 12;
    /** nextRunId, flushedThroughTable, lastSequence. */
    static final int FIELDS = 24;
    static final int CHECKSUM = 4;
    /** More runs than a store ever holds; a larger count is damage. */
    static final int MAX_RUNS = 1 << 20;

    /** The manifest of a new store: no runs, nothing flushed. */
    static final Manifest EMPTY = new Manifest(1, 0, 0, new long[0]);

    Manifest {
        runs = runs.clone();
    }

    /** Returns a copy of the run ids, newest first. */
    @Override
    public long[] runs() {
        return runs.clone();
    }

    /** This manifest with {@code runs} as the live runs and the other fields given. */
    Manifest with(long nextRunId, long flushedThroughTable, long lastSequence, long[] runs) {
        return new Manifest(nextRunId, flushedThroughTable, lastSequence, runs);
    }

    /**
     * Reads {@code directory}'s manifest; {@link #EMPTY} if there is none.
     *
     * @throws StoreCorruptionException if it is damaged, naming the file and offset
     * @throws IOException if it cannot be read
     */
    static Manifest read(Path directory) throws IOException {
        Path file = directory.resolve(NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        return decode(file, bytes);
    }

    /** Decodes a manifest's bytes, checking everything (package-private for tests). */
    static Manifest decode(Path file, byte[] bytes) throws StoreCorruptionException {
        if (bytes.length < HEADER + FIELDS + CHECKSUM) {
            throw new StoreCorruptionException(file, bytes.length, "the manifest is "
                    + bytes.length + " bytes long, shorter than the smallest manifest ("
                    + (HEADER + FIELDS + CHECKSUM) + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        if (magic != MAGIC) {
            throw new StoreCorruptionException(file, 0, String.format(
                    "bad magic 0x%08x (want 0x%08x): not a store manifest", magic, MAGIC));
        }
        int version = in.getInt(4);
        if (version != VERSION) {
            throw new StoreCorruptionException(file, 4, "manifest version " + version
                    + " is not supported (this store reads version " + VERSION + ")");
        }
        int count = in.getInt(8);
        long expected = HEADER + FIELDS + 8L * Math.max(0, count) + CHECKSUM;
        if (count < 0 || count > MAX_RUNS || expected != bytes.length) {
            throw new StoreCorruptionException(file, 8, "run count " + count + " does not match"
                    + " the file length " + bytes.length);
        }
        int end = bytes.length - CHECKSUM;
        int stored = in.getInt(end);
        int actual = checksum(bytes, end);
        if (stored != actual) {
            throw new StoreCorruptionException(file, end, String.format(
                    "checksum mismatch (stored 0x%08x, computed 0x%08x over bytes 0..%d)",
                    stored, actual, end));
        }
        long nextRunId = in.getLong(HEADER);
        long flushedThrough = in.getLong(HEADER + 8);
        long lastSequence = in.getLong(HEADER + 16);
        long[] runs = new long[count];
        for (int i = 0; i < count; i++) {
            runs[i] = in.getLong(HEADER + FIELDS + 8 * i);
            if (runs[i] < 1 || runs[i] >= nextRunId) {
                throw new StoreCorruptionException(file, HEADER + FIELDS + 8L * i, "run id "
                        + runs[i] + " is outside 1.." + (nextRunId - 1));
            }
        }
        if (nextRunId < 1 || flushedThrough < 0 || lastSequence < 0) {
            throw new StoreCorruptionException(file, HEADER, "negative field: nextRunId "
                    + nextRunId + ", flushedThroughTable " + flushedThrough + ", lastSequence "
                    + lastSequence);
        }
        return new Manifest(nextRunId, flushedThrough, lastSequence, runs);
    }

    /** This manifest's bytes (package-private for tests). */
    byte[] encode() {
        byte[] bytes = new byte[HEADER + FIELDS + 8 * runs.length + CHECKSUM];
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(VERSION).putInt(runs.length);
        out.putLong(nextRunId).putLong(flushedThroughTable).putLong(lastSequence);
        for (long id : runs) {
            out.putLong(id);
        }
        int end = bytes.length - CHECKSUM;
        out.putInt(end, checksum(bytes, end));
        return bytes;
    }

    /**
     * Makes this the manifest of {@code directory}, durably: write and force
     * {@code MANIFEST.tmp}, rename it over {@code MANIFEST}, force the directory.
     */
    void install(Path directory) throws IOException {
        Path temporary = directory.resolve(TEMPORARY);
        ByteBuffer bytes = ByteBuffer.wrap(encode());
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        CrashPoints.reached("manifest.tmp-written");
        Files.move(temporary, directory.resolve(NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        StoreFiles.syncDirectory(directory);
        CrashPoints.reached("manifest.installed");
    }

    /** The masked CRC32C of {@code bytes[0, end)}, masked as the log's checksums are. */
    private static int checksum(byte[] bytes, int end) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, end);
        return RunFormat.mask((int) crc.getValue());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.nextRunId == nextRunId
                && m.flushedThroughTable == flushedThroughTable && m.lastSequence == lastSequence
                && Arrays.equals(m.runs, runs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nextRunId) * 31 + Arrays.hashCode(runs);
    }

    @Override
    public String toString() {
        return "Manifest[nextRunId=" + nextRunId + ", flushedThroughTable=" + flushedThroughTable
                + ", lastSequence=" + lastSequence + ", runs=" + Arrays.toString(runs) + "]";
    }
}
