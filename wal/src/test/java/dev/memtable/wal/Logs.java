package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared helpers for the log tests: a sample log, and recovery that collects what it saw, each
 * record with its sequence.
 */
final class Logs {

    private Logs() {
    }

    /**
     * A record to append: every entry of {@code batch} at {@code sequence}. A one-entry batch is
     * appended as a single put or delete.
     */
    record Rec(long sequence, WriteBatch batch) {
    }

    /**
     * A record as recovery replayed it (or as a test expects it): its sequence and its entries.
     * Two are equal if both are.
     */
    record Replayed(long sequence, List<WriteBatch.Entry> entries) {
        Replayed {
            entries = List.copyOf(entries);
        }
    }

    /**
     * A small log of varied records: single puts, deletes, an empty key, binary keys, batches
     * mixing puts and deletes, a value longer than one record header; with sequences at both
     * ends of the range ({@code 1} and {@code MAX_SEQUENCE}), one using all eight bytes of the
     * field, and out of order in the file (the log keeps each record's own sequence).
     */
    static List<Rec> sampleRecords() {
        List<Rec> records = new ArrayList<>();
        records.add(new Rec(1, new WriteBatch().put(Bytes.ofUtf8("alpha"), Bytes.ofUtf8("one"))));
        records.add(new Rec(MemTable.MAX_SEQUENCE, new WriteBatch()
                .put(Bytes.ofUtf8("beta"), Bytes.ofUtf8("two"))
                .delete(Bytes.ofUtf8("alpha")).put(Bytes.EMPTY, Bytes.ofUtf8("empty key"))));
        records.add(new Rec(0x00ab_cdef_0123_4567L, new WriteBatch().delete(Bytes.ofUtf8("gamma"))));
        byte[] big = new byte[150];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        records.add(new Rec(2, new WriteBatch()
                .put(Bytes.wrap(new byte[] {0, (byte) 0xff}), Bytes.wrap(big))));
        records.add(new Rec(3, new WriteBatch().put(Bytes.ofUtf8("delta"), Bytes.ofUtf8("four"))
                .put(Bytes.ofUtf8("alpha"), Bytes.ofUtf8("five"))));
        return records;
    }

    /**
     * Appends {@code records} to {@code wal} (one-entry batches as single puts or deletes), each
     * at its sequence, and returns the log position after the header and after each record.
     */
    static List<Long> append(Wal wal, List<Rec> records) throws IOException {
        List<Long> ends = new ArrayList<>();
        ends.add(wal.position());
        for (Rec r : records) {
            WriteBatch b = r.batch();
            if (b.size() == 1) {
                WriteBatch.Entry e = b.entries().get(0);
                ends.add(wal.append(e.key(), e.value(), r.sequence()));
            } else {
                ends.add(wal.append(b, r.sequence()));
            }
        }
        return ends;
    }

    /** Creates {@code file} holding {@code records}; returns the boundaries as {@link #append}. */
    static List<Long> write(FileWalProvider provider, Path file, List<Rec> records)
            throws IOException {
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            return append(wal, records);
        }
    }

    /** What one recovery replayed and reported, and the exception if it failed. */
    record Recovered(List<Replayed> records, List<WalCorruption> reports,
                     WalCorruptionException error, Wal wal) {

        /** The recovered records (sequences and entries), or fails if recovery threw. */
        List<Replayed> ok() {
            if (error != null) {
                throw new AssertionError("recovery failed unexpectedly", error);
            }
            return records;
        }
    }

    /**
     * Recovers {@code file} in {@code mode}; a {@link WalCorruptionException} is returned, not
     * thrown. The log is left open in the result only if {@code keepOpen}.
     */
    static Recovered recover(FileWalProvider provider, Path file, RecoveryMode mode,
                             boolean keepOpen) throws IOException {
        List<Replayed> records = new ArrayList<>();
        List<WalCorruption> reports = new ArrayList<>();
        WalOptions options = WalOptions.defaults().withRecoveryMode(mode)
                .withCorruptionListener(reports::add);
        try {
            Wal wal = provider.recover(file, options,
                    (sequence, b) -> records.add(new Replayed(sequence, b.entries())));
            if (!keepOpen) {
                wal.close();
                wal = null;
            }
            return new Recovered(records, reports, null, wal);
        } catch (WalCorruptionException e) {
            return new Recovered(records, reports, e, null);
        }
    }

    /** What recovery should replay for {@code records}: each one's sequence and entries. */
    static List<Replayed> expected(List<Rec> records) {
        List<Replayed> out = new ArrayList<>();
        for (Rec r : records) {
            out.add(new Replayed(r.sequence(), r.batch().entries()));
        }
        return out;
    }

    /** Returns the salt stored in the header of {@code log}. */
    static long salt(byte[] log) {
        return ByteBuffer.wrap(log, 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Recomputes both checksums of the record {@code rec[at..]} after a test has edited it, so
     * that it looks written by the log: a forged record, for input no crash produces.
     */
    static void reseal(byte[] rec, int at, long salt) {
        int length = ByteBuffer.wrap(rec, at + 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN).getInt();
        int covered = (int) Math.min(Integer.toUnsignedLong(length), rec.length - at - 13);
        LogFormat.SaltedCrc crc = new LogFormat.SaltedCrc(salt);
        LogFormat.putInt(rec, at + 4, crc.update(rec, at + 8, 5 + covered).masked());
        LogFormat.putInt(rec, at, crc.reset().update(rec, at + 4, 9).masked());
    }

    /** Writes {@code bytes} to the file {@code name} in {@code dir}, replacing its content. */
    static Path copy(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
