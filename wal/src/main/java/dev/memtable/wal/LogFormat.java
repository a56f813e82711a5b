package dev.memtable.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a log file, version 2 (described for humans in {@code wal/FORMAT.md};
 * keep the two in step). All integers are little-endian.
 *
 * <pre>
 * file   := header record*
 * header := magic "MTWL" (4) | version u32 (4) | salt u64 (8) | masked CRC32C of bytes 0..16 (4)
 * record := hcrc u32 | rcrc u32 | length u32 | type u8 | payload[length]
 *   hcrc = mask(crc32c(salt | bytes 4..13 of the record))     -- the header checks itself
 *   rcrc = mask(crc32c(salt | bytes 8..13 of the record | payload))
 * </pre>
 *
 * <p>Version 2 differs from version 1 only in the BATCH payload, which starts with the record's
 * sequence number (see {@link RecordCodec}). A version-1 log is refused in every recovery mode
 * ({@link FileHeader#problem(Path)}): its records carry no sequences.
 *
 * <p>Stateless; every method is thread-safe.
 */
final class LogFormat {

    /** The first four bytes of every log file. */
    static final int MAGIC = 'M' | 'T' << 8 | 'W' << 16 | 'L' << 24;
    /** The format version this code writes and reads: 2, whose records carry sequence numbers. */
    static final int VERSION = 2;
    /**
     * The format written before sequence numbers existed: same framing, no sequence in the
     * payload. Recognised only to refuse it with a message that says what to do.
     */
    static final int VERSION_WITHOUT_SEQUENCES = 1;
    /** Bytes in the file header. */
    static final int FILE_HEADER_SIZE = 20;
    /** Bytes in a record header. */
    static final int RECORD_HEADER_SIZE = 13;
    /** The only record type: a batch of puts and deletes, all at one sequence. */
    static final byte TYPE_BATCH = 1;
    /**
     * The largest record payload (512 MiB): twice {@link dev.memtable.WriteBatch#MAX_BATCH_BYTES},
     * leaving room for the per-entry framing of a maximal batch. Recovery rejects a longer length
     * field before it reads or allocates anything.
     */
    static final int MAX_PAYLOAD = 512 * 1024 * 1024;

    private static final int MASK_DELTA = 0xa282ead8;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(
            int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(
            long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(
            short[].class, ByteOrder.LITTLE_ENDIAN);

    private LogFormat() {
    }

    /**
     * Masks a CRC as LevelDB does, so that a checksum computed over data that itself holds
     * checksums (a log inside a value) does not accidentally validate, and so that zeros never
     * carry a valid checksum.
     */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** The inverse of {@link #mask(int)}. */
    static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** Returns a fresh random salt for a new log file. */
    static long newSalt() {
        return ThreadLocalRandom.current().nextLong();
    }

    /** Returns the 20-byte file header for {@code salt}. */
    static byte[] fileHeader(long salt) {
        byte[] h = new byte[FILE_HEADER_SIZE];
        putInt(h, 0, MAGIC);
        putInt(h, 4, VERSION);
        LONG.set(h, 8, salt);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 16);
        putInt(h, 16, mask((int) crc.getValue()));
        return h;
    }

    /** The parts of a file header as read, before any judgement. */
    record FileHeader(int magic, int version, long salt, boolean checksumOk) {
        static FileHeader parse(byte[] h, int at) {
            CRC32C crc = new CRC32C();
            crc.update(h, at, 16);
            return new FileHeader(getInt(h, at), getInt(h, at + 4), (long) LONG.get(h, at + 8),
                    mask((int) crc.getValue()) == getInt(h, at + 16));
        }

        /**
         * Returns null if this header is valid for this version, else why not. A valid header of
         * a version-1 log gets its own explanation (what the file is, why this build refuses it
         * and what to do), naming {@code file}.
         *
         * @param file the log, named in the explanation for a version-1 log
         */
        String problem(Path file) {
            if (!checksumOk) {
                return magic == MAGIC ? "damaged file header (checksum mismatch)"
                        : "bad file header: not a memtable write-ahead log (wrong magic number)";
            }
            if (magic != MAGIC) {
                return "bad file header: wrong magic number";
            }
            if (version == VERSION_WITHOUT_SEQUENCES) {
                return version1Refusal(file);
            }
            if (version != VERSION) {
                return "unsupported log format version " + Integer.toUnsignedString(version)
                        + " (this build reads version " + VERSION + ")";
            }
            return null;
        }
    }

    /**
     * Why a log in format version 1 is refused, and what to do with it: its records carry no
     * sequence numbers, and giving them invented ones would break the ordering of versions across
     * the logs of a memtable set.
     */
    static String version1Refusal(Path file) {
        return file + " is a write-ahead log in format version 1, written before sequence numbers"
                + " existed; this build reads only format version " + VERSION + ". Its records"
                + " carry no sequence numbers to give their writes versions, and inventing them"
                + " would break the ordering of versions across the logs of a memtable set, so it"
                + " is refused in every recovery mode. To keep its data, open it with the release"
                + " that wrote it, flush or copy its data out, then delete it";
    }

    /** A CRC32C seeded with the file's salt; reuse it through {@link #reset()}. */
    static final class SaltedCrc {
        /** The reflected CRC32C polynomial. */
        private static final int POLY = 0x82F63B78;
        /** Ranges up to this long are checksummed in one pass by {@link #masked(byte[], int, int)}. */
        static final int SHIFT_TABLE_LENGTH = 4096;

        private final byte[] salt = new byte[8];
        private final CRC32C crc = new CRC32C();
        /**
         * {@code shift[n]}: what the salt contributes to the CRC of {@code salt | data} for data of
         * {@code n} bytes; built on first use of {@link #masked(byte[], int, int)}.
         */
        private int[] shift;

        SaltedCrc(long salt) {
            LONG.set(this.salt, 0, salt);
            reset();
        }

        /**
         * Returns the masked salted checksum of {@code b[off, off + len)}, the same value as
         * {@code reset().update(b, off, len).masked()}, with one pass over the range and none
         * over the salt when {@code len <= SHIFT_TABLE_LENGTH}. CRC32C is affine in its starting
         * register: {@code crc(salt | d) = crc(d) ^ Z(crc(salt), |d|)}, where {@code Z(x, n)} runs
         * the register {@code x} through {@code n} zero bytes; {@code Z} of the salt's CRC is
         * tabulated once per length. Leaves this checksum in an unspecified state: call
         * {@link #reset()} before {@link #update}.
         */
        int masked(byte[] b, int off, int len) {
            if (len > SHIFT_TABLE_LENGTH) {
                return reset().update(b, off, len).masked();
            }
            int[] t = shift;
            if (t == null) {
                t = shift = shiftTable();
            }
            crc.reset();
            crc.update(b, off, len);
            return mask((int) crc.getValue() ^ t[len]);
        }

        private int[] shiftTable() {
            CRC32C c = new CRC32C();
            c.update(salt, 0, salt.length);
            int[] t = new int[SHIFT_TABLE_LENGTH + 1];
            int reg = (int) c.getValue();
            for (int n = 0; n <= SHIFT_TABLE_LENGTH; n++) {
                t[n] = reg;
                for (int bit = 0; bit < 8; bit++) {
                    reg = (reg >>> 1) ^ ((reg & 1) != 0 ? POLY : 0);
                }
            }
            return t;
        }

        /** Starts a new checksum (already fed with the salt). */
        SaltedCrc reset() {
            crc.reset();
            crc.update(salt, 0, salt.length);
            return this;
        }

        SaltedCrc update(byte[] b, int off, int len) {
            crc.update(b, off, len);
            return this;
        }

        /** The masked value of everything fed since the last {@link #reset()}. */
        int masked() {
            return mask((int) crc.getValue());
        }
    }

    static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    static int getUnsignedShort(byte[] b, int at) {
        return Short.toUnsignedInt((short) SHORT.get(b, at));
    }

    static void putShort(byte[] b, int at, int v) {
        SHORT.set(b, at, (short) v);
    }
}
