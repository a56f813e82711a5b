package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's encoding: round trips, and every damaged byte or length is refused. */
class ManifestTest {

    @TempDir
    Path dir;

    private final Manifest sample = new Manifest(12, 40, 1234, new long[] {11, 9, 3});

    @Test
    void install_thenRead_roundTrips() throws IOException {
        assertEquals(Manifest.EMPTY, Manifest.read(dir), "no file: a new store");
        sample.install(dir);
        assertEquals(sample, Manifest.read(dir));
        assertEquals(false, Files.exists(dir.resolve(Manifest.TEMPORARY)));
        Manifest next = sample.with(13, 41, 1300, new long[] {12});
        next.install(dir);
        assertEquals(next, Manifest.read(dir));
    }

    @Test
    void everyFlippedBit_isRefusedWithTheFileAndAnOffsetInside() {
        byte[] good = sample.encode();
        Path file = dir.resolve(Manifest.NAME);
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                        () -> Manifest.decode(file, bad), "byte " + i + " bit " + bit);
                assertEquals(file, e.file());
                assertTrue(e.offset() >= 0 && e.offset() <= good.length, e.getMessage());
            }
        }
    }

    @Test
    void everyTruncationAndExtension_isRefused() {
        byte[] good = sample.encode();
        Path file = dir.resolve(Manifest.NAME);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(StoreCorruptionException.class, () -> Manifest.decode(file, cut),
                    "cut at " + n);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 8);
        assertThrows(StoreCorruptionException.class, () -> Manifest.decode(file, longer));
    }

    @Test
    void aRunIdOutsideTheIssuedRange_isRefused() {
        Path file = dir.resolve(Manifest.NAME);
        byte[] bytes = new Manifest(5, 0, 0, new long[] {5}).encode();
        StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                () -> Manifest.decode(file, bytes));
        assertTrue(e.getMessage().contains("run id 5"), e.getMessage());
    }
}
