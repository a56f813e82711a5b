package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.ByteArrays;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * An open, immutable sorted-run file ({@code store/FORMAT.md}); data blocks are read through the
 * store's {@link BlockCache}.
 *
 * <p>{@link #open} reads and checks the footer, the block index and the filter, and keeps them in
 * memory; a data block is read with a positional read when a lookup first needs it, and checked
 * before it enters the cache. Damage found at open is thrown as a
 * {@link StoreCorruptionException}; damage or an I/O error met by a later read is thrown as an
 * {@link UncheckedIOException} whose cause is the {@code StoreCorruptionException} (naming the
 * file and offset) or the {@code IOException}. Damaged bytes are never returned as data.
 *
 * <p><b>Threads.</b> Thread-safe: any number of threads may call {@link #get}, {@link #scan} and
 * {@link #versions} at once (each iterator is for one thread at a time). {@link #close()} may
 * race with reads: a read that finds the run closed throws {@link IllegalStateException}.
 *
 * <p><b>Note:</b> a thread interrupted during a read closes a {@link FileChannel} (that is how
 * the JDK's interruptible channels work). The run then reopens its file for everyone else; the
 * interrupted reader gets an {@code UncheckedIOException} wrapping the
 * {@link ClosedByInterruptException} and keeps its interrupt status.
 */
final class Run implements Closeable, BlockCache.BlockSource {

    private static final Optional<Bytes> TOMBSTONE = Optional.of(Bytes.EMPTY);

    private final long id;
    private final Path file;
    private final BlockCache cache;
    private final RunFooter footer;
    private final RunIndex index;
    /** Null if the run has no filter. */
    private final BloomFilter filter;
    private final RunMeta meta;
    private final Object lock = new Object();
    private volatile FileChannel channel;
    private volatile boolean closed;

    private Run(long id, Path file, BlockCache cache, FileChannel channel, long fileSize,
                RunFooter footer, RunIndex index, BloomFilter filter) {
        this.id = id;
        this.file = file;
        this.cache = cache;
        this.channel = channel;
        this.footer = footer;
        this.index = index;
        this.filter = filter;
        this.meta = new RunMeta(id, fileSize, footer.entries(), index.smallest(),
                index.largest(), footer.minSequence(), footer.maxSequence());
    }

    /**
     * Opens run {@code id} in {@code file}: reads and checks its footer, block index and filter
     * (see {@code store/FORMAT.md}, "Reading"). Data blocks are checked when they are read.
     *
     * @throws NullPointerException if {@code file} or {@code cache} is null
     * @throws StoreCorruptionException naming the file and offset if the file is damaged, not a
     *     run, of another format version, or the footer names another run id
     * @throws IOException if it cannot be read
     */
    static Run open(long id, Path file, BlockCache cache) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(cache, "cache");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < RunFooter.SIZE) {
                throw new StoreCorruptionException(file, 0, "the file is " + size
                        + " bytes, shorter than a run's " + RunFooter.SIZE + "-byte footer");
            }
            RunFooter footer = RunFooter.decode(file, size,
                    read(channel, file, size - RunFooter.SIZE, RunFooter.SIZE), id);
            RunIndex index = RunIndex.decode(file, footer.indexOffset(),
                    read(channel, file, footer.indexOffset(), (int) footer.indexLength()),
                    footer.indexOffset());
            if ((index.blocks() == 0) != (footer.entries() == 0)) {
                throw new StoreCorruptionException(file, size - RunFooter.SIZE, "the footer"
                        + " says " + footer.entries() + " entries but the index has "
                        + index.blocks() + " blocks");
            }
            BloomFilter filter = footer.filterLength() == 0 ? null
                    : BloomFilter.decode(file, footer.filterOffset(), read(channel, file,
                            footer.filterOffset(), (int) footer.filterLength()));
            return new Run(id, file, cache, channel, size, footer, index, filter);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** What the run holds: entries, size, key and sequence range (from footer and index). */
    RunMeta meta() {
        return meta;
    }

    /** The run's file. */
    Path file() {
        return file;
    }

    /**
     * The newest version of {@code key} at or below {@code sequence}: empty if the run has none,
     * an empty {@code Bytes} for a tombstone, else the value (MemTable.get's three answers), a
     * slice of the cached block. The filter is asked first, so a key the run lacks usually costs
     * no block read; otherwise it is one index search and one block (the index holds each
     * block's last version, so the wanted version is always in the block found).
     *
     * @param sequence the read sequence; 0 sees nothing, {@link Long#MAX_VALUE} the newest
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code sequence} is negative
     * @throws IllegalStateException if the run is closed
     * @throws UncheckedIOException if the block is damaged (cause: StoreCorruptionException) or
     *     cannot be read
     */
    Optional<Bytes> get(Bytes key, long sequence) {
        Objects.requireNonNull(key, "key");
        checkSequence(sequence);
        checkOpen();
        if (sequence < footer.minSequence() || footer.entries() == 0) {
            return Optional.empty();
        }
        if (filter != null && !filter.mayContain(key)) {
            return Optional.empty();
        }
        byte[] k = ByteArrays.array(key);
        int from = ByteArrays.offset(key);
        int to = from + key.length();
        int b = index.find(k, from, to, sequence);
        if (b == index.blocks()) {
            return Optional.empty();
        }
        Block block = block(b);
        int e = block.seek(k, from, to, sequence);
        if (e == block.count()) {
            return Optional.empty(); // not in an intact run: the block's last version is after it
        }
        int pos = block.entryAt(e);
        if (!block.keyEquals(pos, k, from, to)) {
            return Optional.empty();
        }
        return block.valueLength(pos) == 0 ? TOMBSTONE : Optional.of(block.value(pos));
    }

    /**
     * The newest version at or below {@code sequence} of each key between the bounds, keys
     * ascending, tombstones included as empty values ({@link MemTableIterator#sequence()} gives
     * the version). Bounds behave as in {@code MemTable.scan}; an empty or inverted range gives
     * an empty iterator. The iterator reads block by block through the cache and is positioned
     * on its first entry; see {@link RunIterator} for what it throws.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalArgumentException if {@code sequence} is negative
     * @throws IllegalStateException if the run is closed
     * @throws UncheckedIOException if the first block is damaged or cannot be read
     */
    MemTableIterator scan(Bound lower, Bound upper, long sequence) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        checkSequence(sequence);
        checkOpen();
        return new RunIterator(this, lower, upper, sequence, false);
    }

    /**
     * Every version: keys ascending, the versions of a key by sequence descending, tombstones
     * included. What a merge reads.
     *
     * @throws IllegalStateException if the run is closed
     * @throws UncheckedIOException if the first block is damaged or cannot be read
     */
    MemTableIterator versions() {
        checkOpen();
        return new RunIterator(this, Bound.unbounded(), Bound.unbounded(), Long.MAX_VALUE, true);
    }

    /**
     * Closes the file and drops the run's blocks from the cache. Idempotent. Reads under way or
     * later throw {@link IllegalStateException}.
     *
     * @throws IOException if closing the channel failed (the run is closed all the same)
     */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            channel.close();
        } finally {
            cache.invalidate(id, index.offsets());
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public long runId() {
        return id;
    }

    @Override
    public long blockOffset(int i) {
        return index.offset(i);
    }

    /** The number of data blocks. */
    int blockCount() {
        return index.blocks();
    }

    /** The length of data block {@code i}. */
    int blockLength(int i) {
        return index.length(i);
    }

    /** The footer as read. */
    RunFooter footer() {
        return footer;
    }

    /** The index, for the iterator's seeks. */
    RunIndex index() {
        return index;
    }

    /**
     * Block {@code i}, through the cache.
     *
     * @throws IllegalStateException if the run is closed
     * @throws UncheckedIOException if the block is damaged or cannot be read
     */
    Block block(int i) {
        try {
            return cache.block(this, i);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Block readBlock(int i) throws IOException {
        long offset = index.offset(i);
        int length = index.length(i);
        byte[] data = new byte[length];
        for (int attempt = 0; ; attempt++) {
            checkOpen();
            FileChannel ch = channel;
            try {
                readFully(ch, file, offset, data);
                break;
            } catch (ClosedChannelException e) {
                checkOpen();
                reopen(ch);
                if (e instanceof ClosedByInterruptException || attempt >= 2) {
                    throw e; // the interrupted reader fails; the others go on with the reopened file
                }
            }
        }
        return Block.decode(file, offset, data);
    }

    /** Replaces {@code broken} (closed by an interrupt) with a fresh channel, once. */
    private void reopen(FileChannel broken) throws IOException {
        synchronized (lock) {
            if (!closed && channel == broken) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("run " + id + " (" + file + ") is closed");
        }
    }

    private static void checkSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("read sequence " + sequence + " is negative");
        }
    }

    private static byte[] read(FileChannel channel, Path file, long offset, int length)
            throws IOException {
        byte[] data = new byte[length];
        readFully(channel, file, offset, data);
        return data;
    }

    private static void readFully(FileChannel channel, Path file, long offset, byte[] data)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, offset + buffer.position());
            if (n < 0) {
                throw new StoreCorruptionException(file, offset + buffer.position(), "the file"
                        + " ends inside a part of " + data.length + " bytes at " + offset
                        + " (truncated since it was opened?)");
            }
        }
    }

    @Override
    public String toString() {
        return "Run[" + id + ", " + file + ", " + meta.entries() + " entries"
                + (closed ? ", closed" : "") + "]";
    }
}
