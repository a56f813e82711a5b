package dev.memtable.wal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A buffered, read-only view of the first {@code size} bytes of a file, read with positional
 * reads so the channel's own position does not matter. It never reads at or past {@code size}
 * (every request is checked first), and its buffer has a fixed capacity: the file is streamed,
 * never loaded whole.
 *
 * <p>Not thread-safe: one recovery owns it.
 */
final class FileWindow {

    /**
     * The buffer size: large enough that small records are one read and that a sequential pass
     * makes few system calls (a quarter as many as 64 KiB did), small enough to keep.
     */
    static final int CAPACITY = 256 * 1024;

    private final FileChannel channel;
    private final long size;
    private final byte[] buf = new byte[CAPACITY];
    private final ByteBuffer view = ByteBuffer.wrap(buf);
    /** File offset of {@code buf[0]}. */
    private long start;
    /** Valid bytes in {@code buf}. */
    private int length;

    FileWindow(FileChannel channel, long size) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.size = size;
    }

    /** The number of bytes this view covers. */
    long size() {
        return size;
    }

    /**
     * The number of valid bytes in {@link #array()} (from index 0) after the last {@link #fill}:
     * a caller may read ahead up to here without another call.
     */
    int filled() {
        return length;
    }

    /** The buffer that {@link #fill} indexes into; valid until the next call. */
    byte[] array() {
        return buf;
    }

    /**
     * Makes the bytes {@code [pos, pos + n)} available in {@link #array()} and returns the index
     * of {@code pos} in it.
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code [0, size)} or
     *     {@code n > CAPACITY} (callers check bounds first; this is the backstop)
     * @throws IOException if reading fails or the file shrank underneath
     */
    int fill(long pos, int n) throws IOException {
        Objects.checkFromIndexSize(pos, n, size);
        if (n > CAPACITY) {
            throw new IndexOutOfBoundsException("window of " + n + " bytes requested; capacity "
                    + CAPACITY);
        }
        if (pos >= start && pos + n <= start + length) {
            return (int) (pos - start);
        }
        start = pos;
        length = (int) Math.min(CAPACITY, size - pos);
        view.clear().limit(length);
        readFully(view, pos);
        return 0;
    }

    /**
     * Copies {@code [pos, pos + n)} of the file into {@code dst[off, off + n)}; any length.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     * @throws IOException if reading fails or the file shrank underneath
     */
    void copy(long pos, byte[] dst, int off, int n) throws IOException {
        Objects.checkFromIndexSize(pos, n, size);
        Objects.checkFromIndexSize(off, n, dst.length);
        if (n <= CAPACITY) {
            System.arraycopy(buf, fill(pos, n), dst, off, n);
        } else {
            readFully(ByteBuffer.wrap(dst, off, n), pos);
        }
    }

    /**
     * Feeds {@code [pos, pos + n)} of the file to {@code checksum}, a window at a time.
     *
     * @throws IndexOutOfBoundsException if the range is out of bounds
     * @throws IOException if reading fails or the file shrank underneath
     */
    void checksum(LogFormat.SaltedCrc checksum, long pos, long n) throws IOException {
        Objects.checkFromIndexSize(pos, n, size);
        while (n > 0) {
            int chunk = (int) Math.min(n, CAPACITY);
            checksum.update(buf, fill(pos, chunk), chunk);
            pos += chunk;
            n -= chunk;
        }
    }

    private void readFully(ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int r = channel.read(dst, pos);
            if (r < 0) {
                throw new EOFException("log file ended at offset " + pos + " while " + size
                        + " bytes were expected: was it truncated during recovery?");
            }
            pos += r;
        }
    }
}
