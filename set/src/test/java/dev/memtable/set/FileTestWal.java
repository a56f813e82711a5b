package dev.memtable.set;

import dev.memtable.spi.Wal;
import dev.memtable.spi.WalReplay;
import dev.memtable.Bytes;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A small, honest write-ahead log for the api's own tests, so that {@code MemTableSet} can be
 * tested with a WAL directory without the {@code wal} module: each record is
 * {@code [int payloadLength][int crc32c(payload)][payload]}, the payload
 * {@code [int entries] ([int keyLength][key][int valueLength][value])*}. Appends write straight to
 * the file (the operating system's cache), {@link #sync()} is {@link FileChannel#force(boolean)};
 * recovery replays every intact record and truncates a torn tail. Every method is synchronized:
 * simple, not fast.
 */
public final class FileTestWal implements Wal {

    private final Path path;
    private final FileChannel channel;
    private long position;
    private long synced;
    private int syncs;
    private boolean closed;
    /** Once set, every append and sync fails with it, as a real log's failure is sticky. */
    private IOException failure;

    private FileTestWal(Path path, FileChannel channel, long position) {
        this.path = path;
        this.channel = channel;
        this.position = position;
        this.synced = position;
    }

    /** Creates a new, empty log; fails if {@code file} exists. */
    public static FileTestWal create(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new FileTestWal(file, ch, 0);
    }

    /** Replays every intact record of {@code file} into {@code replay}, then opens it for appends. */
    public static FileTestWal recover(Path file, WalReplay replay) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(all);
        long good = 0;
        while (in.remaining() >= 8) {
            int length = in.getInt();
            int crc = in.getInt();
            if (length < 12 || length > in.remaining()) {
                break; // torn tail
            }
            byte[] payload = new byte[length];
            in.get(payload);
            CRC32C c = new CRC32C();
            c.update(payload);
            if ((int) c.getValue() != crc) {
                break;
            }
            ByteBuffer body = ByteBuffer.wrap(payload);
            long sequence = body.getLong();
            replay.replay(sequence, decode(body));
            good = in.position();
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
        ch.truncate(good);
        ch.force(true);
        return new FileTestWal(file, ch, good);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long append(Bytes key, Bytes value, long sequence) throws IOException {
        return append(new WriteBatch().put(key, value), sequence);
    }

    @Override
    public synchronized long append(WriteBatch batch, long sequence) throws IOException {
        checkOpen();
        int payloadLength = 12;
        for (WriteBatch.Entry e : batch.entries()) {
            payloadLength += 8 + e.key().length() + e.value().length();
        }
        ByteBuffer payload = ByteBuffer.allocate(payloadLength);
        payload.putLong(sequence);
        payload.putInt(batch.size());
        for (WriteBatch.Entry e : batch.entries()) {
            payload.putInt(e.key().length());
            e.key().writeTo(payload);
            payload.putInt(e.value().length());
            e.value().writeTo(payload);
        }
        CRC32C c = new CRC32C();
        c.update(payload.array());
        ByteBuffer record = ByteBuffer.allocate(8 + payloadLength);
        record.putInt(payloadLength).putInt((int) c.getValue()).put(payload.array()).flip();
        while (record.hasRemaining()) {
            position += channel.write(record, position);
        }
        return position;
    }

    @Override
    public synchronized void syncTo(long target) throws IOException {
        checkOpen();
        if (synced < target) {
            channel.force(false);
            syncs++;
            synced = position;
        }
    }

    @Override
    public synchronized void sync() throws IOException {
        syncTo(position);
    }

    @Override
    public synchronized long position() {
        return position;
    }

    /** Returns the position up to which the log is known durable. */
    public synchronized long syncedPosition() {
        return synced;
    }

    /** Returns how many fsyncs this log made. */
    public synchronized int syncCount() {
        return syncs;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            if (failure != null) {
                channel.close();
                throw new IOException("log " + path + " has failed: " + failure.getMessage(),
                        failure);
            }
            try {
                channel.force(false);
                synced = position;
            } finally {
                channel.close();
            }
        }
    }

    /** Makes this log fail from now on, as a full disk would. */
    public synchronized void fail(IOException cause) {
        failure = cause;
    }

    /** Returns true once the log was closed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void checkOpen() throws IOException {
        if (failure != null) {
            throw new IOException("log " + path + " has failed: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new IOException("log " + path + " is closed");
        }
    }

    private static WriteBatch decode(ByteBuffer in) {
        int n = in.getInt();
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) {
            byte[] key = new byte[in.getInt()];
            in.get(key);
            byte[] value = new byte[in.getInt()];
            in.get(value);
            batch.put(Bytes.wrap(key), Bytes.wrap(value));
        }
        return batch;
    }
}
