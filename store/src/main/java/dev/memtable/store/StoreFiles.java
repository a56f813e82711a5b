package dev.memtable.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of a store directory and the file-system steps the store's crash safety rests on:
 * {@code LOCK} (held while the store is open), {@code MANIFEST} (the live runs), run files named
 * by a 20-digit id ({@code 00000000000000000007.run}), and {@code wal/}, the memtables' logs.
 */
final class StoreFiles {

    static final String LOCK = "LOCK";
    static final String WAL_DIRECTORY = "wal";
    private static final Pattern RUN_NAME = Pattern.compile("\\d{20}\\.run");

    private StoreFiles() {
    }

    /** The file of run {@code id} in {@code directory}. */
    static Path runFile(Path directory, long id) {
        return directory.resolve(String.format(Locale.ROOT, "%020d.run", id));
    }

    /** The ids of the run files in {@code directory}, in no particular order. */
    static List<Long> runIds(Path directory) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (RUN_NAME.matcher(name).matches()) {
                    ids.add(Long.parseLong(name.substring(0, 20)));
                }
            }
        }
        return ids;
    }

    /**
     * Forces {@code directory}'s entries (files created, renamed or deleted in it) to stable
     * storage, so a file that a manifest names is found after a power cut.
     */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * Locks {@code directory} for this process: returns the held lock, whose channel the caller
     * closes to unlock.
     *
     * @throws IOException if another store (in this process or another) has it open
     */
    static FileLock lock(Path directory) throws IOException {
        Path file = directory.resolve(LOCK);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("store " + directory + " is open in another process (" + file
                        + " is locked)");
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("store " + directory + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Deletes the temporary manifest and every run file that {@code manifest} does not name (a
     * crash's leftovers). Returns the highest run id found on disk, named or not (0 if none), so
     * that the store never hands out the id of a deleted leftover again.
     */
    static long removeUnnamed(Path directory, Manifest manifest) throws IOException {
        Set<Long> live = new HashSet<>();
        for (long id : manifest.runs()) {
            live.add(id);
        }
        boolean removed = Files.deleteIfExists(directory.resolve(Manifest.TEMPORARY));
        long highest = 0;
        for (long id : StoreFiles.runIds(directory)) {
            highest = Math.max(highest, id);
            if (!live.contains(id)) {
                removed |= Files.deleteIfExists(StoreFiles.runFile(directory, id));
            }
        }
        if (removed) {
            StoreFiles.syncDirectory(directory);
        }
        return highest;
    }
}
