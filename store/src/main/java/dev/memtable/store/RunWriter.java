package dev.memtable.store;

import static dev.memtable.store.RunFormat.BLOCK_TRAILER;
import static dev.memtable.store.RunFormat.ENTRY_HEADER;
import static dev.memtable.store.RunFormat.INDEX_ENTRY_HEADER;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes one sorted-run file ({@code store/FORMAT.md}): data blocks as entries arrive, then on
 * {@link #finish()} the block index, the bloom filter and the footer.
 *
 * <p>Entries are added in strictly ascending internal order: keys ascending (unsigned), the
 * versions of one key by sequence descending. A block is closed before an entry that would take it
 * past {@code blockSize} bytes (trailer included), so blocks stay within {@code blockSize} unless
 * one entry alone is larger. Output goes through a 256 KiB buffer; the block, index and hash
 * buffers are reused, so {@link #add} allocates nothing in the steady state.
 *
 * <p>Not thread-safe: one thread writes a run. After an {@link IOException} the writer is failed:
 * every call but {@link #close()} throws {@link IllegalStateException}.
 */
final class RunWriter implements Closeable {

    /** The output buffer's size. */
    static final int BUFFER_SIZE = 256 * 1024;

    private final FileChannel channel;
    private final Path file;
    private final long id;
    private final int blockSize;
    private final int bloomBitsPerKey;
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final CRC32C crc = new CRC32C();

    /** Bytes handed to the output (written or buffered). */
    private long position;
    private byte[] block = new byte[4096];
    private int blockLength;
    private int[] entryOffsets = new int[64];
    private int blockEntries;
    private byte[] index = new byte[4096];
    private int indexLength;
    private int blocks;
    private long[] keyHashes = new long[1024];
    private int distinctKeys;

    private Bytes smallest;
    private Bytes lastKey;
    private long lastSequence;
    private long entries;
    private long minSequence = Long.MAX_VALUE;
    private long maxSequence;

    private boolean finished;
    private boolean failed;
    private boolean closed;

    private RunWriter(FileChannel channel, Path file, long id, int blockSize,
                      int bloomBitsPerKey) {
        this.channel = channel;
        this.file = file;
        this.id = id;
        this.blockSize = blockSize;
        this.bloomBitsPerKey = bloomBitsPerKey;
    }

    /**
     * Creates {@code file} (it must not exist) for run {@code id}.
     *
     * @param blockSize the target data block size in bytes, 1 to
     *     {@link StoreOptions#MAX_BLOCK_SIZE} (tests use tiny blocks)
     * @param bloomBitsPerKey bloom filter bits per distinct key, 0 (no filter) to 32
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if {@code blockSize} or {@code bloomBitsPerKey} is out of
     *     range
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     * @throws IOException if it cannot be created
     */
    static RunWriter create(Path file, long id, int blockSize, int bloomBitsPerKey)
            throws IOException {
        Objects.requireNonNull(file, "file");
        if (blockSize < 1 || blockSize > StoreOptions.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be in [1, "
                    + StoreOptions.MAX_BLOCK_SIZE + "], got " + blockSize);
        }
        if (bloomBitsPerKey < 0 || bloomBitsPerKey > 32) {
            throw new IllegalArgumentException("bloomBitsPerKey must be in [0, 32], got "
                    + bloomBitsPerKey);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        return new RunWriter(channel, file, id, blockSize, bloomBitsPerKey);
    }

    /**
     * Adds one version; an empty value is a tombstone. A rejected call changes nothing and the
     * writer stays usable.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value is too long, {@code sequence} is not in
     *     {@code 1 .. MAX_SEQUENCE}, or the version is not after the previous one in internal
     *     order (the message names both)
     * @throws IllegalStateException if the writer is finished, closed or failed
     * @throws IOException if writing a full block failed (the writer is then failed)
     */
    void add(Bytes key, long sequence, Bytes value) throws IOException {
        MemTable.checkEntry(key, value);
        MemTable.checkWriteSequence(sequence);
        checkWritable();
        boolean newKey = true;
        if (lastKey != null) {
            int c = key.compareTo(lastKey);
            if (c < 0 || (c == 0 && sequence >= lastSequence)) {
                throw new IllegalArgumentException("out of order: (key " + key + ", sequence "
                        + sequence + ") after (key " + lastKey + ", sequence " + lastSequence
                        + "); a run takes keys ascending and the versions of a key by sequence"
                        + " descending, each (key, sequence) once");
            }
            newKey = c != 0;
        }
        int entrySize = ENTRY_HEADER + key.length() + value.length();
        if (blockEntries > 0 && (long) blockLength + entrySize + 4L * (blockEntries + 1)
                + BLOCK_TRAILER > blockSize) {
            finishBlock();
        }
        // From here on nothing can fail but memory.
        block = RunFormat.ensure(block, blockLength + entrySize);
        if (blockEntries == entryOffsets.length) {
            entryOffsets = Arrays.copyOf(entryOffsets, 2 * blockEntries);
        }
        entryOffsets[blockEntries++] = blockLength;
        RunFormat.putU16(block, blockLength, key.length());
        RunFormat.putInt(block, blockLength + 2, value.length());
        RunFormat.putLong(block, blockLength + 6, sequence);
        key.copyTo(block, blockLength + ENTRY_HEADER);
        value.copyTo(block, blockLength + ENTRY_HEADER + key.length());
        blockLength += entrySize;
        if (newKey && bloomBitsPerKey > 0) {
            if (distinctKeys == keyHashes.length) {
                keyHashes = Arrays.copyOf(keyHashes, 2 * distinctKeys);
            }
            keyHashes[distinctKeys++] = BloomFilter.hash(key);
        }
        if (smallest == null) {
            smallest = key;
        }
        lastKey = key;
        lastSequence = sequence;
        entries++;
        minSequence = Math.min(minSequence, sequence);
        maxSequence = Math.max(maxSequence, sequence);
    }

    /**
     * Writes the last block, the index, the filter (unless the bits per key are 0 or the run is
     * empty) and the footer, forces the file to disk ({@code force(true)}) and returns what the
     * run holds. The caller syncs the directory if the file's name must be durable too.
     *
     * @throws IllegalStateException if the writer is already finished, closed or failed
     * @throws IOException if a write or the force failed (the writer is then failed)
     */
    RunMeta finish() throws IOException {
        checkWritable();
        try {
            if (blockEntries > 0) {
                finishBlock();
            }
            long indexOffset = position;
            int smallestLength = smallest == null ? 0 : smallest.length();
            byte[] head = new byte[6 + smallestLength];
            RunFormat.putInt(head, 0, blocks);
            RunFormat.putU16(head, 4, smallestLength);
            if (smallest != null) {
                smallest.copyTo(head, 6);
            }
            crc.reset();
            crc.update(head, 0, head.length);
            crc.update(index, 0, indexLength);
            byte[] tail = new byte[4];
            RunFormat.putInt(tail, 0, RunFormat.mask((int) crc.getValue()));
            write(head, 0, head.length);
            write(index, 0, indexLength);
            write(tail, 0, 4);
            long filterOffset = position;
            if (bloomBitsPerKey > 0 && distinctKeys > 0) {
                byte[] filter = BloomFilter.build(keyHashes, distinctKeys, bloomBitsPerKey);
                write(filter, 0, filter.length);
            }
            long filterLength = position - filterOffset;
            boolean empty = entries == 0;
            RunFooter footer = new RunFooter(indexOffset, filterOffset - indexOffset,
                    filterOffset, filterLength, entries, empty ? 0 : minSequence,
                    empty ? 0 : maxSequence, id);
            byte[] f = footer.encode();
            write(f, 0, f.length);
            flush();
            channel.force(true);
            finished = true;
            return new RunMeta(id, position, entries, empty ? Bytes.EMPTY : smallest,
                    empty ? Bytes.EMPTY : lastKey, footer.minSequence(), footer.maxSequence());
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Closes the file. After {@link #finish()} the run is complete; before it the file is left
     * as it is (incomplete) for the caller to delete. Idempotent.
     *
     * @throws IOException if closing the channel failed
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }

    /** The file being written. */
    Path file() {
        return file;
    }

    /** The number of entries added so far. */
    long entries() {
        return entries;
    }

    /** Bytes handed to the file so far (written or buffered): about the run's size so far. */
    long position() {
        return position + blockLength;
    }

    // ------------------------------------------------------------------ internals

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("run writer for " + file + " is closed");
        }
        if (failed) {
            throw new IllegalStateException("run writer for " + file + " failed earlier");
        }
        if (finished) {
            throw new IllegalStateException("run writer for " + file + " is finished");
        }
    }

    /** Appends the offsets, count and crc to the block, writes it and indexes it. */
    private void finishBlock() throws IOException {
        int length = blockLength + 4 * blockEntries + BLOCK_TRAILER;
        block = RunFormat.ensure(block, length);
        int at = blockLength;
        for (int i = 0; i < blockEntries; i++, at += 4) {
            RunFormat.putInt(block, at, entryOffsets[i]);
        }
        RunFormat.putInt(block, at, blockEntries);
        RunFormat.putInt(block, at + 4, RunFormat.crc(block, 0, at + 4));
        long offset = position;
        try {
            write(block, 0, length);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        int keyLength = lastKey.length();
        index = RunFormat.ensure(index, indexLength + INDEX_ENTRY_HEADER + keyLength);
        RunFormat.putLong(index, indexLength, offset);
        RunFormat.putInt(index, indexLength + 8, length);
        RunFormat.putLong(index, indexLength + 12, lastSequence);
        RunFormat.putU16(index, indexLength + 20, keyLength);
        lastKey.copyTo(index, indexLength + INDEX_ENTRY_HEADER);
        indexLength += INDEX_ENTRY_HEADER + keyLength;
        blocks++;
        blockLength = 0;
        blockEntries = 0;
    }

    /** Hands {@code a[from, from + len)} to the output buffer, writing it out when full. */
    private void write(byte[] a, int from, int len) throws IOException {
        while (len > 0) {
            if (!out.hasRemaining()) {
                flush();
            }
            int n = Math.min(len, out.remaining());
            out.put(a, from, n);
            from += n;
            len -= n;
            position += n;
        }
    }

    private void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }
}
