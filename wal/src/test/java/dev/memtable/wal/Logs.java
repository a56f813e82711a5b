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
        // Every damage case of every test that recovers through here is also read, before
        // recovery changes the file, by inspect (decoding) and verify (checking only), and the
        // three must agree: see Walk.
        Walk inspected = Walk.of(file, mode, true);
        Walk verified = Walk.of(file, mode, false);
        List<Replayed> records = new ArrayList<>();
        List<WalCorruption> reports = new ArrayList<>();
        WalOptions options = WalOptions.defaults().withRecoveryMode(mode)
                .withCorruptionListener(reports::add);
        Recovered result;
        try {
            Wal wal = provider.recover(file, options,
                    (sequence, b) -> records.add(new Replayed(sequence, b.entries())));
            if (!keepOpen) {
                wal.close();
                wal = null;
            }
            result = new Recovered(records, reports, null, wal);
        } catch (WalCorruptionException e) {
            result = new Recovered(records, reports, e, null);
        }
        if (inspected != null && verified != null) {
            Walk.agree(file, mode, inspected, verified, result);
        }
        return result;
    }

    /**
     * What a read-only walk ({@code inspect} if decoding, else {@code verify}) of a log saw: each
     * record as offset, length, sequence and entry count, each damage report, the end it
     * returned or the corruption it threw.
     */
    record Walk(List<List<Long>> records, List<WalCorruption> damage, long end,
                WalCorruption error) {

        /** Walks {@code file}, or returns null if it cannot be read (no such file). */
        static Walk of(Path file, RecoveryMode mode, boolean decode) {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            FileWalProvider walker = new FileWalProvider();
            List<List<Long>> records = new ArrayList<>();
            List<WalCorruption> damage = new ArrayList<>();
            try {
                long end;
                if (decode) {
                    end = walker.inspect(file, mode, new dev.memtable.spi.WalInspector() {
                        @Override
                        public void record(long offset, long length, long sequence,
                                           WriteBatch batch) {
                            records.add(List.of(offset, length, sequence, (long) batch.size()));
                        }

                        @Override
                        public void damage(WalCorruption corruption) {
                            damage.add(corruption);
                        }
                    });
                } else {
                    end = walker.verify(file, mode, new dev.memtable.spi.WalVerifier() {
                        @Override
                        public void record(long offset, long length, long sequence,
                                           int entries) {
                            records.add(List.of(offset, length, sequence, (long) entries));
                        }

                        @Override
                        public void damage(WalCorruption corruption) {
                            damage.add(corruption);
                        }
                    });
                }
                return new Walk(records, damage, end, null);
            } catch (WalCorruptionException e) {
                return new Walk(records, damage, -1, e.corruption());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /**
         * Fails unless verify saw exactly what inspect saw (same records at the same offsets, same
         * damage, same refusal with the same offset, length and reason, same end) and recovery
         * replayed and reported the same (its records' sequences and entry counts, its reports,
         * its refusal).
         */
        static void agree(Path file, RecoveryMode mode, Walk inspected, Walk verified,
                          Recovered recovered) {
            String where = file + " in " + mode;
            check(inspected.equals(verified), "verify differs from inspect for " + where
                    + "\n inspect: " + inspected + "\n verify:  " + verified);
            check(verified.damage().equals(recovered.reports()), "verify's damage differs from"
                    + " recovery's reports for " + where + ": " + verified.damage() + " vs "
                    + recovered.reports());
            WalCorruption refused = recovered.error() == null ? null
                    : recovered.error().corruption();
            check(java.util.Objects.equals(verified.error(), refused), "verify's refusal differs"
                    + " from recovery's for " + where + ": " + verified.error() + " vs " + refused);
            List<List<Long>> replayed = new ArrayList<>();
            for (Replayed r : recovered.records()) {
                replayed.add(List.of(r.sequence(), (long) r.entries().size()));
            }
            List<List<Long>> checked = new ArrayList<>();
            for (List<Long> r : verified.records()) {
                checked.add(List.of(r.get(2), r.get(3)));
            }
            check(checked.equals(replayed), "verify's records differ from recovery's for "
                    + where + ": " + checked + " vs " + replayed);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new AssertionError(message);
            }
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
