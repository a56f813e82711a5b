package dev.memtable.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting file layer for tests: a {@link ChannelOpener} whose channels delegate to real
 * ones, count fsyncs, remember how far each file was durable at its last successful fsync, and
 * can be told to make fsyncs slow, block or fail, to fail a write part-way, or to "lose power"
 * (every later operation fails). Knobs are volatile and may be changed while logs run.
 */
final class FaultyFs implements ChannelOpener {

    /** Runs before an fsync of a log file (not a directory); may sleep, block or throw. */
    @FunctionalInterface
    interface ForceHook {
        void beforeForce(int forceNumber) throws IOException;
    }

    /** Skip the real fsync (for fuzz tests whose durability is not under test). */
    volatile boolean noopForce;
    volatile ForceHook forceHook = n -> { };
    /** A write that would cross this file offset writes up to it and then fails. */
    volatile long failWriteAt = Long.MAX_VALUE;
    /** Fail every directory fsync. */
    volatile boolean failDirectorySync;
    private volatile boolean crashed;

    final AtomicInteger fileForces = new AtomicInteger();
    final AtomicInteger directoryForces = new AtomicInteger();
    final List<Path> directoriesForced = new CopyOnWriteArrayList<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    /** A layer whose fsyncs do nothing: for tests that recover thousands of damaged copies. */
    static FaultyFs fast() {
        FaultyFs fs = new FaultyFs();
        fs.noopForce = true;
        return fs;
    }

    /** A provider that opens files through this layer and records its log messages. */
    FileWalProvider provider() {
        return new FileWalProvider(this, new RecordingLogger());
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        checkAlive();
        Channel c = new Channel(path, FileChannel.open(path, options), Files.isDirectory(path));
        channels.add(c);
        return c;
    }

    /** From now on every operation on every channel fails, as if the machine lost power. */
    void crash() {
        crashed = true;
    }

    /** The most recently opened channel of the log file {@code path}. */
    Channel channel(Path path) {
        for (int i = channels.size() - 1; i >= 0; i--) {
            if (channels.get(i).path.equals(path) && !channels.get(i).directory) {
                return channels.get(i);
            }
        }
        throw new IllegalStateException("no channel opened for " + path);
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException("injected power loss");
        }
    }

    /** A delegating channel that records durability and injects the faults configured above. */
    final class Channel extends FileChannel {
        final Path path;
        final boolean directory;
        private final FileChannel delegate;
        private final AtomicLong writtenEnd = new AtomicLong();
        private final AtomicLong durable = new AtomicLong();

        Channel(Path path, FileChannel delegate, boolean directory) throws IOException {
            this.path = path;
            this.delegate = delegate;
            this.directory = directory;
            if (!directory) {
                writtenEnd.set(delegate.size());
                durable.set(delegate.size());
            }
        }

        /** How far this file was written when its last successful fsync started. */
        long durable() {
            return durable.get();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            checkAlive();
            if (directory) {
                directoryForces.incrementAndGet();
                directoriesForced.add(path);
                if (failDirectorySync) {
                    throw new IOException("injected directory fsync failure");
                }
                if (!noopForce) {
                    delegate.force(metaData);
                }
                return;
            }
            long covered = writtenEnd.get();
            forceHook.beforeForce(fileForces.incrementAndGet());
            checkAlive();
            if (!noopForce) {
                delegate.force(metaData);
            }
            durable.accumulateAndGet(covered, Math::max);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkAlive();
            long limit = failWriteAt;
            if (position + src.remaining() > limit) {
                ByteBuffer part = src.slice();
                part.limit((int) Math.max(0, limit - position));
                src.position(src.position() + delegate.write(part, position));
                throw new IOException("injected write failure at offset " + limit);
            }
            int n = delegate.write(src, position);
            writtenEnd.accumulateAndGet(position + n, Math::max);
            return n;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            checkAlive();
            return delegate.read(dst, position);
        }

        @Override
        public long size() throws IOException {
            checkAlive();
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            checkAlive();
            delegate.truncate(size);
            writtenEnd.accumulateAndGet(size, Math::min);
            durable.accumulateAndGet(size, Math::min);
            return this;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            checkAlive();
            return delegate.tryLock(position, size, shared);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            checkAlive();
            return delegate.lock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }

        // The log uses none of the following; they delegate for completeness.

        @Override
        public int read(ByteBuffer dst) throws IOException {
            checkAlive();
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            checkAlive();
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new IOException("the log must write at explicit positions");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("the log must write at explicit positions");
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target)
                throws IOException {
            checkAlive();
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count)
                throws IOException {
            throw new IOException("the log must not write through transferFrom");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("the log must not map files");
        }
    }
}
