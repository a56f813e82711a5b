package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every single bit of a sample log flipped in turn, recovered in every mode: a flip is never
 * recovered as a wrong value or a wrong sequence, and each mode reports, drops or refuses exactly as it promises.
 */
class BitFlipTest {

    @TempDir
    Path dir;

    private final FileWalProvider provider = FaultyFs.fast().provider();
    /** The bytes last written to the copy on disk. */
    private byte[] written;

    @Test
    void recover_everyBitFlipped_isReportedExactlyAsTheModeSays() throws IOException {
        List<Logs.Rec> records = Logs.sampleRecords();
        List<Long> ends = Logs.write(provider, dir.resolve("sample.wal"), records);
        byte[] full = Files.readAllBytes(dir.resolve("sample.wal"));
        List<Logs.Replayed> all = Logs.expected(records);
        int last = records.size() - 1;

        for (int bit = 0; bit < full.length * 8; bit++) {
            byte[] damaged = full.clone();
            int at = bit / 8;
            damaged[at] ^= (byte) (1 << (bit % 8));
            String where = "bit " + (bit % 8) + " of byte " + at;

            if (at < LogFormat.FILE_HEADER_SIZE) {
                checkHeaderFlip(damaged, at, all, where);
                continue;
            }
            int hit = 0;
            while (ends.get(hit + 1) <= at) {
                hit++;
            }
            long start = ends.get(hit);
            long length = ends.get(hit + 1) - start;

            Logs.Recovered strict = recover(damaged, RecoveryMode.STRICT);
            assertNotNull(strict.error(), where + ": STRICT accepted damage");
            assertEquals(start, strict.error().offset(), where);
            assertEquals(all.subList(0, hit), strict.records(), where);

            Logs.Recovered tolerate = recover(damaged, RecoveryMode.TOLERATE_TORN_TAIL);
            if (hit == last) {
                assertEquals(all.subList(0, hit), tolerate.ok(), where);
                assertEquals(List.of(new WalCorruption(tolerate.reports().get(0).file(), start,
                        length, tolerate.reports().get(0).reason())), tolerate.reports(), where);
            } else {
                assertNotNull(tolerate.error(), where + ": damage before intact records accepted");
                assertEquals(start, tolerate.error().offset(), where);
                assertEquals(all.subList(0, hit), tolerate.records(), where);
                assertEquals(List.of(), tolerate.reports(), where);
            }

            Logs.Recovered salvage = recover(damaged, RecoveryMode.SALVAGE);
            List<Logs.Replayed> allButHit = new ArrayList<>(all);
            allButHit.remove(hit);
            assertEquals(allButHit, salvage.ok(), where);
            assertEquals(1, salvage.reports().size(), where);
            assertEquals(start, salvage.reports().get(0).offset(), where);
            assertEquals(length, salvage.reports().get(0).length(), where);
        }
    }

    /**
     * A damaged file header on a log with records is never a torn creation: TOLERATE and STRICT
     * refuse it; SALVAGE keeps every record as long as the salt itself is intact.
     */
    private void checkHeaderFlip(byte[] damaged, int at, List<Logs.Replayed> all,
                                 String where) throws IOException {
        for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.STRICT)) {
            Path file = Logs.copy(dir, "flipped.wal", damaged);
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertNotNull(r.error(), where + ", " + mode + ": damaged header accepted");
            assertEquals(0, r.error().offset(), where);
            assertEquals(List.of(), r.records(), where);
            assertArrayEquals(damaged, Files.readAllBytes(file), where + ": file changed");
        }
        Logs.Recovered salvage = recover(damaged, RecoveryMode.SALVAGE);
        boolean saltHit = at >= 8 && at < 16;
        if (saltHit) {
            assertNotNull(salvage.error(), where + ": records validated with a damaged salt");
            assertEquals(List.of(), salvage.records(), where);
        } else {
            assertEquals(all, salvage.ok(), where);
            assertEquals(1, salvage.reports().size(), where);
            assertEquals(0, salvage.reports().get(0).offset(), where);
            assertEquals(LogFormat.FILE_HEADER_SIZE, salvage.reports().get(0).length(), where);
        }
    }

    /**
     * Recovers {@code bytes}. The copy on disk is rewritten only when it differs in size (a
     * recovery changes a damaged log only by truncating it), to keep file-system work low.
     */
    private Logs.Recovered recover(byte[] bytes, RecoveryMode mode) throws IOException {
        Path file = dir.resolve("flipped.wal");
        if (bytes != written || Files.size(file) != bytes.length) {
            Logs.copy(dir, "flipped.wal", bytes);
            written = bytes;
        }
        Logs.Recovered r = Logs.recover(provider, file, mode, false);
        assertTrue(r.error() != null || r.reports().size() <= 1, "too many reports " + r.reports());
        return r;
    }
}
