package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash leaves of a manifest replacement, without a child process:
 * <ul>
 *   <li>a {@code MANIFEST.tmp} that was being written when the process died (empty, garbage, the
 *       first half of a manifest, or a whole one never renamed) is ignored and removed by
 *       {@link Store#open}, which reads the installed {@code MANIFEST}: every write is there and
 *       the runs it names are kept;</li>
 *   <li>a {@code MANIFEST} with any one byte flipped makes {@link Store#open} throw
 *       {@link StoreCorruptionException} naming the manifest (never open a store whose runs it
 *       cannot trust), every time: the failed open leaves no lock behind.</li>
 * </ul>
 */
class StoreManifestCrashTest {

    private static final int KEYS = 2000;

    @TempDir
    Path dir;

    @Test
    void open_ignoresAndRemovesATornManifestTmp() throws IOException {
        Path store = dir.resolve("store");
        byte[] manifest = populate(store);
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        byte[][] torn = {new byte[0], garbage, Arrays.copyOf(manifest, manifest.length / 2),
                manifest.clone()};
        String[] names = {"empty", "garbage", "half a manifest", "a whole manifest"};
        for (int i = 0; i < torn.length; i++) {
            Files.write(store.resolve("MANIFEST.tmp"), torn[i]);
            try (Store s = Store.open(store, options())) {
                String what = "MANIFEST.tmp holding " + names[i];
                assertFalse(Files.exists(store.resolve("MANIFEST.tmp")), what + " survived open");
                assertTrue(s.stats().runs() > 0, what + ": the runs are gone: " + s.stats());
                checkKeys(s, what);
            }
        }
    }

    @Test
    void open_refusesAManifestWithAnyByteFlipped() throws IOException {
        Path store = dir.resolve("store");
        byte[] manifest = populate(store);
        Path file = store.resolve("MANIFEST");
        for (int offset = 0; offset < manifest.length; offset++) {
            byte[] damaged = manifest.clone();
            damaged[offset] ^= (byte) (1 << (offset % 8));
            Files.write(file, damaged);
            for (int attempt = 0; attempt < 2; attempt++) {     // the second: no stale LOCK
                int at = offset;
                StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                        () -> Store.open(store, options()).close(),
                        () -> "MANIFEST of " + manifest.length + " bytes with offset " + at
                                + " flipped was not refused as damaged");
                assertEquals(file.toAbsolutePath().normalize(),
                        e.file().toAbsolutePath().normalize(), "the exception names "
                                + e.file() + ", not the manifest");
                assertTrue(e.getMessage().contains(file.toString()), () -> "message does not"
                        + " name " + file + ": " + e.getMessage());
            }
        }
        Files.write(file, manifest);
        try (Store s = Store.open(store, options())) {
            checkKeys(s, "the manifest restored");
        }
    }

    private static StoreOptions options() {
        return StoreOptions.defaults().withFreezeAtBytes(16 << 10).withMaxRuns(100)
                .withBlockSize(512);
    }

    /** Writes {@link #KEYS} keys in a few runs and returns the manifest naming them. */
    private static byte[] populate(Path store) throws IOException {
        try (Store s = Store.open(store, options())) {
            for (int i = 0; i < KEYS; i++) {
                s.put(key(i), value(i));
                if (i % 700 == 699) {
                    s.flush();
                }
            }
            s.flush();
            assertTrue(s.stats().runs() > 1, "expected several runs: " + s.stats());
        }
        return Files.readAllBytes(store.resolve("MANIFEST"));
    }

    private static void checkKeys(Store s, String what) {
        for (int i = 0; i < KEYS; i++) {
            assertEquals(Optional.of(value(i)), s.get(key(i)), what + ": key " + i);
        }
        assertEquals(KEYS, StoreWorkload.scanAll(s).size(), what + ": scan");
    }

    private static Bytes key(int i) {
        return Bytes.ofUtf8(String.format("k%06d", i));
    }

    private static Bytes value(int i) {
        return Bytes.ofUtf8("value " + i + " ".repeat(i % 50));
    }
}
