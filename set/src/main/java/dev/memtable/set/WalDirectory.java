package dev.memtable.set;

import dev.memtable.internal.IoErrors;
import dev.memtable.spi.WalProvider;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL directory of a {@link MemTableSet}: one log file per table, named by the table's id in
 * 20 zero-padded digits ({@code 00000000000000000042.wal}), so that name order is id order; and a
 * {@code LOCK} file, locked while a set has the directory open, so two sets (in this or another
 * process) never share one directory. Other files without the {@code .wal} suffix are left alone;
 * a {@code .wal} file with any other name is refused. Logs are created and deleted by the log
 * implementation ({@link WalProvider}), which makes both durable (it fsyncs the directory).
 */
final class WalDirectory implements AutoCloseable {

    static final String SUFFIX = ".wal";
    static final String LOCK_FILE = "LOCK";
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");

    /** A log file found in the directory. */
    record WalFile(long id, Path path) {
    }

    private final Path dir;
    private final WalProvider logs;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private WalDirectory(Path dir, WalProvider logs, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.logs = logs;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and locks it.
     *
     * @param logs the log implementation, which deletes logs durably
     * @throws IOException if it cannot be created, is not a directory, or is locked by another
     *     set
     */
    static WalDirectory open(Path dir, WalProvider logs) throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("could not open WAL directory " + dir + ": its lock file "
                    + lockFile + " (or the directory itself) cannot be opened: "
                    + IoErrors.describe(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("could not lock " + lockFile + ": " + IoErrors.describe(e), e);
        }
        if (lock == null) {
            channel.close();
            throw new IOException("WAL directory " + dir + " is in use by another MemTableSet"
                    + " (its " + LOCK_FILE + " file is locked); close that set first");
        }
        return new WalDirectory(dir, logs, channel, lock);
    }

    Path path() {
        return dir;
    }

    /** Returns the log file of table {@code id}. */
    Path fileOf(long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }

    /**
     * Lists the log files, ascending by id.
     *
     * @throws IOException if the directory cannot be read, or holds a {@code .wal} entry that is
     *     not a regular file named by a 20-digit id
     */
    List<WalFile> list() throws IOException {
        List<WalFile> found = new ArrayList<>();
        DirectoryStream<Path> listing;
        try {
            listing = Files.newDirectoryStream(dir);
        } catch (IOException e) {
            throw new IOException("could not list WAL directory " + dir + ": "
                    + IoErrors.describe(e), e);
        }
        try (DirectoryStream<Path> entries = listing) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                Matcher m = NAME.matcher(name);
                long id = m.matches() ? parseId(m.group(1)) : -1;
                if (id < 0 || !Files.isRegularFile(p)) {
                    throw new IOException("Unexpected entry " + p + " in WAL directory " + dir
                            + ": a MemTableSet names its logs by a 20-digit table id, e.g. "
                            + fileOf(42).getFileName() + ". Move it out of the directory.");
                }
                found.add(new WalFile(id, p));
            }
        }
        found.sort(Comparator.comparingLong(WalFile::id));
        return found;
    }

    /**
     * Deletes the log file {@code file} (if it is still there), durably: through the log
     * implementation, so the deletion survives a crash before the next log is deleted.
     */
    void delete(Path file) throws IOException {
        logs.delete(file);
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    private static long parseId(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1; // beyond Long.MAX_VALUE
        }
    }
}
