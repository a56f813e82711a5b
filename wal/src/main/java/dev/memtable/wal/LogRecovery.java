package dev.memtable.wal;

import static dev.memtable.wal.LogFormat.FILE_HEADER_SIZE;
import static dev.memtable.wal.LogFormat.MAX_PAYLOAD;
import static dev.memtable.wal.LogFormat.RECORD_HEADER_SIZE;
import static dev.memtable.wal.LogFormat.TYPE_BATCH;

import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads a log from the start, replays its intact records in order and decides, as the
 * {@link RecoveryMode} says, what to do about damage. It only reads: the caller truncates the
 * file or rewrites its header as the returned {@link Outcome} says.
 *
 * <h2>Telling a torn tail from corruption</h2>
 * When the record at some offset is bad, recovery searches the rest of the file, byte by byte, for
 * a record whose header checksum, payload checksum and grammar all hold (as Pebble reads ahead).
 * If one exists the damage is in the middle of the log; if none does, it is a torn tail. A zeroed
 * region followed by intact records is therefore corruption, not the end of the log.
 *
 * <h2>Bounded work</h2>
 * Every read is checked against the file size first; a length field is trusted only after the
 * header checksum holds and only up to the bytes that remain and {@link LogFormat#MAX_PAYLOAD};
 * payloads are checksummed through a fixed 256 KiB window before anything is allocated for them.
 * The search checks a candidate's payload only if its header checksum holds, and stops with a
 * {@link WalCorruptionException} once it has checked more than twice the file size plus 64 MiB
 * in such payloads, which logs damaged by crashes or bit rot never reach: no input makes recovery
 * quadratic.
 *
 * <p>Not thread-safe; one instance per recovery.
 */
final class LogRecovery {

    /**
     * What recovery decided.
     *
     * @param end where the intact log ends and appends continue
     * @param salt the salt of the file (new if the header is to be written)
     * @param writeHeader true if the file held no valid header and must be rewritten from scratch
     *     (a crash while the log was being created)
     */
    record Outcome(long end, long salt, boolean writeHeader) {
    }

    /** Where intact records go: their offset, length, sequence and contents. */
    interface RecordSink {
        /**
         * Takes one intact record, in file order.
         *
         * @param offset where the record starts
         * @param length its length, header included
         * @param sequence its sequence, already checked to be in {@code 1 .. MAX_SEQUENCE}
         * @param entries how many entries it holds
         * @param batch its entries, or null if this recovery does not decode them (a verifying
         *     pass)
         */
        void accept(long offset, long length, long sequence, int entries, WriteBatch batch);
    }

    /** An intact record found by the search after damage, kept to be handed on next. */
    private record Good(long sequence, int entries, WriteBatch batch, long next) {
    }

    private record Found(long offset, Good record) {
    }

    private final Path file;
    private final FileWindow window;
    private final long size;
    private final RecoveryMode mode;
    private final Consumer<WalCorruption> listener;
    private final RecordSink replay;
    private final System.Logger logger;
    private final long scanLimit;
    /** If false, records are checked (framing, checksums, grammar) but no batch is built. */
    private final boolean decode;
    private LogFormat.SaltedCrc crc;
    private long scanWork;
    // The record that the last read() found intact (it returned null): no object per record.
    private long readSequence;
    private int readEntries;
    private WriteBatch readBatch;
    private long readNext;

    /** A recovery that decodes every intact record into a batch for {@code replay}. */
    LogRecovery(Path file, FileChannel channel, long size, WalOptions options,
                RecordSink replay, System.Logger logger) {
        this(file, channel, size, options, replay, logger, true);
    }

    /**
     * A recovery that decodes every intact record if {@code decode}, else only checks it exactly
     * as decoding would (same records intact, same damage, same reasons) and hands
     * {@code replay} a null batch: without building anything per record.
     */
    LogRecovery(Path file, FileChannel channel, long size, WalOptions options,
                RecordSink replay, System.Logger logger, boolean decode) {
        this.decode = decode;
        this.file = file;
        this.window = new FileWindow(channel, size);
        this.size = size;
        this.mode = options.recoveryMode();
        this.listener = options.corruptionListener();
        this.replay = replay;
        this.logger = logger;
        this.scanLimit = 2 * size + (64L << 20);
    }

    /**
     * Replays every intact record it keeps, reporting tolerated damage to the listener (and the
     * logger).
     *
     * @throws WalCorruptionException if the mode does not tolerate the damage; nothing after the
     *     damage has been replayed
     * @throws IOException if the file cannot be read
     */
    Outcome run() throws IOException {
        if (size < FILE_HEADER_SIZE) {
            if (!startsLikeHeader()) {
                throw corruption(0, size, "bad file header: not a memtable write-ahead log");
            }
            return tornHeader(size == 0 ? "empty file without a file header"
                    : "incomplete file header (" + size + " of " + FILE_HEADER_SIZE + " bytes)");
        }
        LogFormat.FileHeader header =
                LogFormat.FileHeader.parse(window.array(), window.fill(0, FILE_HEADER_SIZE));
        String problem = header.problem(file);
        long pos = FILE_HEADER_SIZE;
        Good pending = null;
        crc = new LogFormat.SaltedCrc(header.salt());
        if (problem != null) {
            if (header.checksumOk() && header.magic() == LogFormat.MAGIC) {
                throw corruption(0, FILE_HEADER_SIZE, problem);
            }
            if (size == FILE_HEADER_SIZE && startsLikeHeader()) {
                return tornHeader(problem);
            }
            if (mode != RecoveryMode.SALVAGE || size == FILE_HEADER_SIZE) {
                throw corruption(0, FILE_HEADER_SIZE, problem);
            }
            Found first = findNext(FILE_HEADER_SIZE, 0);
            if (first == null) {
                throw corruption(0, size, problem + "; no record validates with the salt stored in"
                        + " it either, so there is nothing to salvage");
            }
            report(0, first.offset(), problem);
            pos = first.offset();
            pending = first.record();
        }
        while (pos < size) {
            String reason;
            if (pending != null) {
                replay.accept(pos, pending.next() - pos, pending.sequence(), pending.entries(),
                        pending.batch());
                pos = pending.next();
                pending = null;
                continue;
            }
            reason = read(pos);
            if (reason == null) {
                WriteBatch batch = readBatch;
                readBatch = null;
                replay.accept(pos, readNext - pos, readSequence, readEntries, batch);
                pos = readNext;
                continue;
            }
            if (mode == RecoveryMode.STRICT) {
                throw corruption(pos, size - pos, reason);
            }
            Found next = findNext(pos + 1, pos);
            if (mode == RecoveryMode.TOLERATE_TORN_TAIL) {
                if (next != null) {
                    throw corruption(pos, next.offset() - pos, reason + "; an intact record follows"
                            + " at offset " + next.offset() + ", so this is not a torn tail");
                }
                report(pos, size - pos, "torn tail dropped: " + reason);
                return new Outcome(pos, header.salt(), false);
            }
            if (next == null) {
                report(pos, size - pos, reason + " (nothing intact follows; dropped)");
                return new Outcome(pos, header.salt(), false);
            }
            report(pos, next.offset() - pos, reason + " (skipped)");
            pos = next.offset();
            pending = next.record();
        }
        return new Outcome(pos, header.salt(), false);
    }

    /** A file too short for its header, or exactly a bad header: a crash during creation. */
    private Outcome tornHeader(String reason) throws WalCorruptionException {
        if (mode == RecoveryMode.STRICT) {
            throw corruption(0, size, reason);
        }
        report(0, size, reason + " (a crash while the log was created); the header is rewritten");
        return new Outcome(FILE_HEADER_SIZE, LogFormat.newSalt(), true);
    }

    /**
     * True if the file's first bytes (up to the salt) are each zero or what a header holds: what
     * a crash while writing the header can leave. Anything else is not our file, and is never
     * overwritten.
     */
    private boolean startsLikeHeader() throws IOException {
        int n = (int) Math.min(size, 8);
        if (n == 0) {
            return true;
        }
        byte[] expected = LogFormat.fileHeader(0);
        int i = window.fill(0, n);
        for (int k = 0; k < n; k++) {
            byte got = window.array()[i + k];
            if (got != 0 && got != expected[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads and verifies the record at {@code pos}; never reads past the file size. Returns null
     * if it is intact, with its sequence, entry count, batch (if decoding) and end in the
     * {@code read*} fields; else why it is bad.
     */
    private String read(long pos) throws IOException {
        long remain = size - pos;
        if (remain < RECORD_HEADER_SIZE) {
            return allZero(pos, (int) remain) ? "zero-filled tail of " + remain + " bytes"
                    : "truncated record header (" + remain + " bytes before end of file)";
        }
        int i = window.fill(pos, RECORD_HEADER_SIZE);
        byte[] b = window.array();
        int headerCrc = LogFormat.getInt(b, i);
        int recordCrc = LogFormat.getInt(b, i + 4);
        long length = Integer.toUnsignedLong(LogFormat.getInt(b, i + 8));
        byte type = b[i + 12];
        if (headerCrc == 0 && recordCrc == 0 && length == 0 && type == 0) {
            return "zero-filled bytes where a record header belongs";
        }
        if (crc.masked(b, i + 4, RECORD_HEADER_SIZE - 4) != headerCrc) {
            return "record header checksum mismatch";
        }
        if (type != TYPE_BATCH) {
            return "unknown record type " + type;
        }
        if (length > MAX_PAYLOAD) {
            return "record length " + length + " is over the limit " + MAX_PAYLOAD;
        }
        if (length > remain - RECORD_HEADER_SIZE) {
            return "truncated record: its header announces " + length
                    + " payload bytes but only " + (remain - RECORD_HEADER_SIZE) + " remain";
        }
        readNext = pos + RECORD_HEADER_SIZE + length;
        try {
            if (RECORD_HEADER_SIZE + length <= FileWindow.CAPACITY) {
                // The common case: the whole record in the window, checksummed in one pass over
                // length, type and payload, and checked or decoded straight from the window.
                i = window.fill(pos, RECORD_HEADER_SIZE + (int) length);
                b = window.array();
                if (crc.masked(b, i + 8, RECORD_HEADER_SIZE - 8 + (int) length) != recordCrc) {
                    return "record checksum mismatch";
                }
                if (decode) {
                    RecordCodec.Decoded record =
                            RecordCodec.decode(b, i + RECORD_HEADER_SIZE, (int) length);
                    readSequence = record.sequence();
                    readBatch = record.batch();
                    readEntries = readBatch.size();
                } else {
                    readEntries = RecordCodec.check(b, i + RECORD_HEADER_SIZE, (int) length);
                    readSequence = LogFormat.getLong(b, i + RECORD_HEADER_SIZE);
                    readBatch = null;
                }
                return null;
            }
            crc.reset().update(b, i + 8, RECORD_HEADER_SIZE - 8);
            window.checksum(crc, pos + RECORD_HEADER_SIZE, length);
            if (crc.masked() != recordCrc) {
                return "record checksum mismatch";
            }
            // A record larger than the window (rare: a value or batch of about 1 MiB or more)
            // is decoded even when only checked; the decoder streams it through the window.
            RecordCodec.Decoded record =
                    RecordCodec.decode(window, pos + RECORD_HEADER_SIZE, (int) length);
            readSequence = record.sequence();
            readEntries = record.batch().size();
            readBatch = decode ? record.batch() : null;
            return null;
        } catch (RecordCodec.MalformedRecordException e) {
            return "malformed record: " + e.getMessage();
        }
    }

    /**
     * Returns the first intact record at or after {@code from}, or null if there is none.
     *
     * @param damageAt where the damage that started the search is, for the give-up message
     */
    private Found findNext(long from, long damageAt) throws IOException {
        long q = from;
        while (q <= size - RECORD_HEADER_SIZE) {
            int i = window.fill(q, RECORD_HEADER_SIZE);
            byte[] b = window.array();
            int last = window.filled() - RECORD_HEADER_SIZE;   // last index a header fits at
            for (; i <= last; i++, q++) {
                if (b[i + 12] != TYPE_BATCH) {
                    continue;
                }
                long length = Integer.toUnsignedLong(LogFormat.getInt(b, i + 8));
                if (length > MAX_PAYLOAD || length > size - q - RECORD_HEADER_SIZE) {
                    continue;
                }
                if (crc.masked(b, i + 4, RECORD_HEADER_SIZE - 4) != LogFormat.getInt(b, i)) {
                    continue;
                }
                scanWork += length;
                if (scanWork > scanLimit) {
                    throw corruption(damageAt, size - damageAt, "gave up searching for an"
                            + " intact record after the damage: " + scanWork + " bytes of"
                            + " candidates had valid headers but bad contents (the damage looks"
                            + " deliberate)");
                }
                if (read(q) == null) {
                    Good good = new Good(readSequence, readEntries, readBatch, readNext);
                    readBatch = null;
                    return new Found(q, good);
                }
                q++;            // read() moved the window: continue from a fresh fill
                break;
            }
        }
        return null;
    }

    private boolean allZero(long pos, int n) throws IOException {
        return n == 0 || allZero(window.array(), window.fill(pos, n), n);
    }

    private static boolean allZero(byte[] b, int from, int n) {
        for (int k = from; k < from + n; k++) {
            if (b[k] != 0) {
                return false;
            }
        }
        return true;
    }

    private void report(long offset, long length, String reason) {
        WalCorruption c = new WalCorruption(file, offset, length, reason);
        logger.log(Level.WARNING, "write-ahead log recovery ({0}): {1}", mode, c);
        listener.accept(c);
    }

    private WalCorruptionException corruption(long offset, long length, String reason) {
        return new WalCorruptionException(new WalCorruption(file, offset, length, reason));
    }
}
