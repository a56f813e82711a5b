package dev.memtable.wal;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.internal.Closeables;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import dev.memtable.spi.WalVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * The write-ahead log of the memtable library: one file per log, records checksummed with
 * CRC32C, fsyncs shared between concurrent writers. Found through {@link java.util.ServiceLoader}
 * (as {@code dev.memtable.spi.WalProvider}); users rarely name it, since
 * {@link dev.memtable.MemTables#walProvider()} finds it. The format is described in the module's
 * {@code FORMAT.md}.
 *
 * <h2>Files</h2>
 * A log is locked with an exclusive {@link FileLock} while it is open, so a second open of the
 * same file (in this or another process) fails with a {@link FileSystemException} instead of
 * interleaving records. {@link #create} writes the file header, fsyncs the file and then its
 * directory, so the new name survives a crash. <b>Note:</b> on Windows a directory cannot be
 * opened as a channel; there the directory fsync is skipped (NTFS journals directory changes).
 * {@link #recover} fsyncs the file and its directory too before it returns, so every record it
 * replayed is durable and the name is, even if the crash came before the creating process
 * fsynced the directory. {@link #delete} deletes a log and fsyncs its directory, so the
 * deletion survives a crash; these three are the library's only directory fsyncs.
 *
 * <p>Thread-safe and stateless: one instance serves any number of logs.
 */
public final class FileWalProvider implements WalProvider {

    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private final ChannelOpener opener;
    private final System.Logger logger;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public FileWalProvider() {
        this(ChannelOpener.DEFAULT, System.getLogger("dev.memtable.wal"));
    }

    /**
     * For tests: opens files through {@code opener} (e.g. to inject faults) and reports
     * tolerated damage to {@code logger}.
     */
    FileWalProvider(ChannelOpener opener, System.Logger logger) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /** Returns {@code "crc32c-v2"}: the checksum and the format version. */
    @Override
    public String name() {
        return "crc32c-v" + LogFormat.VERSION;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The file is created with {@code CREATE_NEW}; if anything after that fails, it is
     * deleted again.
     *
     * @throws FileSystemException if the new file is locked by someone else
     */
    @Override
    public Wal create(Path file, WalOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        FileChannel channel = opener.open(file, CREATE_NEW, READ, WRITE);
        try {
            lock(channel, file);
            long salt = LogFormat.newSalt();
            writeHeader(channel, salt);
            syncDirectory(file);
            return new FileWal(file, channel, salt, LogFormat.FILE_HEADER_SIZE,
                    options.syncPolicy());
        } catch (IOException | RuntimeException | Error e) {
            Closeables.closeQuietly(channel, e);
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Damage is handled as {@code options.recoveryMode()} says (see {@code FORMAT.md}); every
     * region that is skipped or dropped goes to {@code options.corruptionListener()} and to the
     * {@link System.Logger} {@code dev.memtable.wal} at {@code WARNING}. Damage that the mode does
     * not tolerate is thrown, not logged. Before the log is returned, everything after the last
     * record kept is cut off ({@code truncate}) and the file is fsynced, so new records never sit
     * in front of stale bytes. If {@code replay} throws, recovery stops, the file is left as it
     * was and the exception propagates.
     *
     * <p>Each record reaches {@code replay} with the sequence it was appended at, in file order
     * (which need not be sequence order). A log in format version 1, written before sequence
     * numbers, is refused in every mode with a {@link dev.memtable.WalCorruptionException} at
     * offset 0 that says so and what to do; the file is left as it was.
     *
     * @throws FileSystemException if the log is open elsewhere (it is locked)
     */
    @Override
    public Wal recover(Path file, WalOptions options, WalReplay replay)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(replay, "replay");
        FileChannel channel = opener.open(file, READ, WRITE);
        try {
            lock(channel, file);
            long size = channel.size();
            LogRecovery.Outcome outcome =
                    new LogRecovery(file, channel, size, options,
                            (offset, length, sequence, entries, batch) ->
                                    replay.replay(sequence, batch),
                            logger).run();
            if (outcome.writeHeader()) {
                channel.truncate(0);
                writeHeader(channel, outcome.salt());
            } else {
                if (outcome.end() < size) {
                    channel.truncate(outcome.end());
                }
                channel.force(true);
            }
            syncDirectory(file);
            return new FileWal(file, channel, outcome.salt(), outcome.end(),
                    options.syncPolicy());
        } catch (IOException | RuntimeException | Error e) {
            Closeables.closeQuietly(channel, e);
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Opens the file read-only and takes no lock; reports go to the inspector only (not to the
     * logger), since the caller is the one asking. Each record reaches the inspector with its
     * sequence. A version-1 log is refused as {@link #recover} refuses it.
     */
    @Override
    public long inspect(Path file, RecoveryMode mode, WalInspector inspector) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(inspector, "inspector");
        WalOptions options = WalOptions.defaults().withRecoveryMode(mode)
                .withCorruptionListener(inspector::damage);
        try (FileChannel channel = opener.open(file, READ)) {
            return new LogRecovery(file, channel, channel.size(), options,
                    (offset, length, sequence, entries, batch) ->
                            inspector.record(offset, length, sequence, batch),
                    SILENT).run().end();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads as {@link #inspect} does (read-only, no lock, reports to the verifier only) and
     * checks every record as recovery does (framing, both checksums, the payload's grammar and
     * its entries' bounds), straight from the read buffer: no batch, entry or array is built for
     * a record that fits the read buffer.
     */
    @Override
    public long verify(Path file, RecoveryMode mode, WalVerifier verifier) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(verifier, "verifier");
        WalOptions options = WalOptions.defaults().withRecoveryMode(mode)
                .withCorruptionListener(verifier::damage);
        try (FileChannel channel = opener.open(file, READ)) {
            return new LogRecovery(file, channel, channel.size(), options,
                    (offset, length, sequence, entries, batch) ->
                            verifier.record(offset, length, sequence, entries),
                    SILENT, false).run().end();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes with {@link Files#deleteIfExists} and then fsyncs the directory (skipped on
     * Windows, as for {@link #create}).
     */
    @Override
    public void delete(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Files.deleteIfExists(file);
        syncDirectory(file);
    }

    /** A logger that takes nothing: inspection reports to its caller only. */
    private static final System.Logger SILENT = new System.Logger() {
        @Override
        public String getName() {
            return "dev.memtable.wal.inspect";
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        }
    };

    @Override
    public String toString() {
        return name() + " (" + getClass().getName() + ")";
    }

    private static void lock(FileChannel channel, Path file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            FileSystemException open = new FileSystemException(file.toString(), null,
                    "write-ahead log is already open in this JVM");
            open.initCause(e);
            throw open;
        }
        if (lock == null) {
            throw new FileSystemException(file.toString(), null,
                    "write-ahead log is locked by another process");
        }
    }

    /** Writes the file header at offset 0 and fsyncs the file (size included). */
    private static void writeHeader(FileChannel channel, long salt) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(LogFormat.fileHeader(salt));
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
        channel.force(true);
    }

    /** Fsyncs the directory holding {@code file}, so that its entry survives a crash. */
    private void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel d = opener.open(dir, READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!WINDOWS) {
                throw e;
            }
        }
    }
}
