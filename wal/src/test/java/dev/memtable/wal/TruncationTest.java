package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log cut off at every byte offset, as a crash mid-append leaves it, recovered in each mode:
 * the records wholly before the cut come back with their sequences.
 */
class TruncationTest {

    @TempDir
    Path dir;

    private final FileWalProvider provider = FaultyFs.fast().provider();

    @Test
    void recover_cutAtEveryOffset_keepsExactlyTheRecordsWhollyBeforeTheCut() throws IOException {
        List<Logs.Rec> records = Logs.sampleRecords();
        List<Long> ends = Logs.write(provider, dir.resolve("sample.wal"), records);
        byte[] full = Files.readAllBytes(dir.resolve("sample.wal"));
        assertEquals(ends.get(ends.size() - 1), full.length);
        List<Logs.Replayed> all = Logs.expected(records);

        for (int cut = 0; cut <= full.length; cut++) {
            byte[] prefix = Arrays.copyOf(full, cut);
            int whole = 0;
            while (whole < records.size() && ends.get(whole + 1) <= cut) {
                whole++;
            }
            List<Logs.Replayed> expected = all.subList(0, whole);
            boolean headerCut = cut < LogFormat.FILE_HEADER_SIZE;
            long goodEnd = headerCut ? 0 : ends.get(whole);
            boolean clean = !headerCut && cut == goodEnd;
            String at = "cut at " + cut;

            for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.SALVAGE)) {
                Path file = Logs.copy(dir, "cut.wal", prefix);
                Logs.Recovered r = Logs.recover(provider, file, mode, true);
                assertEquals(expected, r.ok(), at + ", " + mode);
                if (clean) {
                    assertEquals(List.of(), r.reports(), at + ", " + mode);
                } else {
                    assertEquals(1, r.reports().size(), at + ", " + mode + ": " + r.reports());
                    WalCorruption c = r.reports().get(0);
                    assertEquals(goodEnd, c.offset(), at + ", " + mode + ": " + c);
                    assertEquals(cut - goodEnd, c.length(), at + ", " + mode + ": " + c);
                }
                long kept = headerCut ? LogFormat.FILE_HEADER_SIZE : goodEnd;
                assertEquals(kept, r.wal().position(), at + ", " + mode);
                assertEquals(kept, Files.size(file), at + ", " + mode + ": tail not truncated");

                // New appends land right after the last good record, never behind stale bytes.
                Logs.Rec more = new Logs.Rec(cut + 1L,
                        new WriteBatch().put(Bytes.ofUtf8("after"), Bytes.ofUtf8("cut")));
                try (Wal wal = r.wal()) {
                    Logs.append(wal, List.of(more));
                }
                Logs.Recovered again = Logs.recover(provider, file, RecoveryMode.STRICT, false);
                List<Logs.Replayed> withMore = new ArrayList<>(expected);
                withMore.addAll(Logs.expected(List.of(more)));
                assertEquals(withMore, again.ok(), at + ", " + mode + ", then appended");
            }

            Path file = Logs.copy(dir, "cut.wal", prefix);
            Logs.Recovered strict = Logs.recover(provider, file, RecoveryMode.STRICT, false);
            if (clean) {
                assertNull(strict.error(), at);
                assertEquals(expected, strict.records(), at);
            } else {
                assertNotNull(strict.error(), at + ": STRICT accepted a torn tail");
                assertEquals(goodEnd, strict.error().offset(), at);
                assertEquals(file, strict.error().file(), at);
                assertEquals(expected, strict.records(), at + ": STRICT replayed past the damage");
                assertTrue(Arrays.equals(prefix, Files.readAllBytes(file)),
                        at + ": a failed recovery changed the file");
            }
        }
    }
}
