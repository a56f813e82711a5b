package dev.memtable.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the shell does to a store's directory before {@link dev.memtable.store.Store#open}: moves
 * the logs of the old shell's layout into the store's.
 *
 * <p>Layouts: the old shell kept its memtable logs ({@code <20-digit id>.wal}) and its
 * {@code LOCK} directly in the directory; the store keeps {@code LOCK}, {@code MANIFEST} and its
 * {@code .run} files there and the logs in {@link #WAL}. Thread-safe (no state).
 */
final class StoreDirectory {

    /** The store's log directory, inside its directory. */
    static final String WAL = "wal";
    /** Where the logs gather while they move; renamed to {@link #WAL} once all are in. */
    static final String MIGRATING = "wal.migrating";
    static final String MANIFEST = "MANIFEST";
    static final String LOCK = "LOCK";
    private static final Pattern LOG = Pattern.compile("\\d{20}\\.wal");

    private StoreDirectory() {
    }

    /**
     * Readies {@code dir} for the store, holding {@code dir/LOCK} meanwhile (so a shell still
     * running on the directory is never robbed of its logs): {@linkplain #migrate migrates} the
     * old layout. The lock is released before returning; the store takes it again when it opens
     * (and reads the logs in the recovery mode the user chose).
     *
     * @return how many logs moved from the old layout
     * @throws IOException if the directory is locked or holds both layouts
     */
    static int prepare(Path dir) throws IOException {
        Path lockFile = dir.resolve(LOCK);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockOf(channel, dir)) {
            return migrate(dir);
        }
    }

    /**
     * Moves the logs of the old layout (at the top of {@code dir}, without a {@code MANIFEST})
     * into {@code dir/wal}, where the store's memtable set recovers them. The logs gather in
     * {@link #MIGRATING} first, which is renamed to {@code wal} at the end, so a migration cut
     * short is finished by the next one. The caller holds {@code dir/LOCK}.
     *
     * @return how many logs moved (0 for a directory in the store's layout, or a new one)
     * @throws IOException if the directory holds both layouts (then nothing moves and the message
     *     says what to do), or a move fails
     */
    static int migrate(Path dir) throws IOException {
        Path staging = dir.resolve(MIGRATING);
        List<Path> old = oldLogs(dir);
        if (old.isEmpty() && !Files.isDirectory(staging)) {
            return 0;
        }
        Path wal = dir.resolve(WAL);
        boolean manifest = Files.exists(dir.resolve(MANIFEST));
        if (manifest || !old.isEmpty() && !oldLogs(wal).isEmpty()) {
            throw new IOException(dir.toAbsolutePath() + " holds a store (" + (manifest
                    ? MANIFEST : "logs in " + WAL + "/") + ") and logs of the old shell's layout"
                    + " (" + (old.isEmpty() ? MIGRATING + "/" : old.size() + " at its top, "
                    + old.get(0).getFileName() + ", ...") + "); nothing was moved. Move the old"
                    + " logs into a new directory and start the shell there to read them");
        }
        Files.createDirectories(staging);
        for (Path log : old) {
            Files.move(log, staging.resolve(log.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        int moved = oldLogs(staging).size();
        syncDirectory(staging);
        if (Files.isDirectory(wal)) {
            Files.delete(wal); // empty of logs, checked above; fails if it holds anything else
        }
        Files.move(staging, wal, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        return moved;
    }

    /** The regular files named {@code <20-digit id>.wal} in {@code dir}, by name; none if absent. */
    static List<Path> oldLogs(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (LOG.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        }
        found.sort(null);
        return found;
    }

    private static FileLock lockOf(FileChannel channel, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException(dir.toAbsolutePath() + " is in use by another shell or store"
                    + " (its " + LOCK + " file is locked); close that first");
        }
        return lock;
    }

    /** Makes the entries of {@code dir} durable (renames and creations in it). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
