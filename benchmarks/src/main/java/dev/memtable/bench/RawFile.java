package dev.memtable.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw baseline of the log benchmarks: key and value bytes written back to back to a
 * {@link FileChannel}, with no framing, checksum or locking of a log. Unsynced appends go through
 * a 64 KiB buffer (the best a log can do is to write in large sequential pieces); synced appends
 * write each record and then {@code force(false)} (fdatasync, as RocksDB's default and
 * {@code FileChannel.force(false)} do). Not thread-safe: the benchmarks serialise on it.
 */
final class RawFile implements AutoCloseable {

    /** Size of the write and read buffer. */
    static final int BUFFER = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

    private RawFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates a new, empty file at {@code path}. */
    static RawFile create(Path path) {
        try {
            Files.createDirectories(path.getParent());
            return new RawFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    /** Appends {@code key} and {@code value} to the buffer, writing it out when full. */
    void append(byte[] key, byte[] value) throws IOException {
        if (buffer.remaining() < key.length + value.length) {
            drain();
        }
        if (buffer.remaining() < key.length + value.length) {
            channel.write(ByteBuffer.wrap(key));
            channel.write(ByteBuffer.wrap(value));
            return;
        }
        buffer.put(key).put(value);
    }

    /** Writes {@code key} and {@code value} at the end of the file and waits until durable. */
    void appendSynced(byte[] key, byte[] value) throws IOException {
        buffer.clear();
        buffer.put(key).put(value).flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
        channel.force(false);
    }

    /** Writes out what the buffer holds. */
    void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Returns the file. */
    Path path() {
        return path;
    }

    /**
     * Reads {@code file} from start to end through a 64 KiB buffer and returns how many bytes it
     * read: the raw sequential read that recovery is measured against.
     */
    static long readAll(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        long total = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = in.read(buffer)) >= 0; buffer.clear()) {
                total += n;
            }
        }
        return total;
    }

    /** Drains the buffer and closes the file (the file stays). */
    @Override
    public void close() {
        try {
            try {
                drain();
            } finally {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path, e);
        }
    }
}
