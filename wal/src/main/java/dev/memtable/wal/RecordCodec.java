package dev.memtable.wal;

import static dev.memtable.wal.LogFormat.MAX_PAYLOAD;
import static dev.memtable.wal.LogFormat.RECORD_HEADER_SIZE;
import static dev.memtable.wal.LogFormat.TYPE_BATCH;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes puts, deletes and batches as version-2 records and decodes batch payloads.
 *
 * <pre>
 * payload := sequence u64 (1 .. MAX_SEQUENCE) | count u32 (&gt;= 1) | entry{count}
 * entry   := kind u8 | keyLength u16 | valueLength u32 (PUT only) | key | value (PUT only)
 * kind    := 1 PUT (non-empty value) | 2 DELETE
 * </pre>
 *
 * <p>Every entry of a record is a version at the record's one sequence. Stateless; thread-safe.
 */
final class RecordCodec {

    static final byte KIND_PUT = 1;
    static final byte KIND_DELETE = 2;
    /** Bytes of the payload before the first entry: the sequence and the entry count. */
    static final int PAYLOAD_PREFIX = 8 + 4;

    private RecordCodec() {
    }

    /** A decoded BATCH payload: the record's sequence and its entries. */
    record Decoded(long sequence, WriteBatch batch) {
    }

    /**
     * Returns the whole record (header and payload) for one put at {@code sequence}, or a delete
     * if {@code value} is empty.
     *
     * @throws NullPointerException naming a null argument
     * @throws IllegalArgumentException if the key or value is over its limit, or the sequence is
     *     not in {@code 1 .. MemTable.MAX_SEQUENCE}
     */
    static byte[] encode(Bytes key, Bytes value, long sequence, long salt) {
        int size = putSize(key, value);
        MemTable.checkWriteSequence(sequence);
        byte[] rec = new byte[size];
        encodePut(rec, 0, size, key, value, sequence, new LogFormat.SaltedCrc(salt));
        return rec;
    }

    /**
     * Returns the size of the whole record for one put of {@code value} under {@code key} (a
     * delete if {@code value} is empty), after checking the entry.
     *
     * @throws NullPointerException naming a null argument
     * @throws IllegalArgumentException if the key or value is over its limit
     */
    static int putSize(Bytes key, Bytes value) {
        MemTable.checkEntry(key, value);
        return RECORD_HEADER_SIZE + PAYLOAD_PREFIX + entrySize(key, value);
    }

    /**
     * Writes the record of one put (as {@link #encode(Bytes, Bytes, long, long)} returns it) into
     * {@code dst[at, at + size)}, where {@code size} is {@link #putSize}; the entry and the
     * sequence have been checked. {@code crc} is the file's salted checksum, reset here.
     */
    static void encodePut(byte[] dst, int at, int size, Bytes key, Bytes value, long sequence,
                          LogFormat.SaltedCrc crc) {
        int p = at + RECORD_HEADER_SIZE;
        LogFormat.putLong(dst, p, sequence);
        LogFormat.putInt(dst, p + 8, 1);
        writeEntry(dst, p + PAYLOAD_PREFIX, key, value);
        seal(dst, at, size, crc);
    }

    /**
     * Returns the whole record for {@code batch}, every entry at {@code sequence}.
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalArgumentException if the batch is empty, holds an entry over its limit, or
     *     encodes to more than {@link LogFormat#MAX_PAYLOAD} bytes, or the sequence is not in
     *     {@code 1 .. MemTable.MAX_SEQUENCE}
     */
    static byte[] encode(WriteBatch batch, long sequence, long salt) {
        Objects.requireNonNull(batch, "batch");
        MemTable.checkWriteSequence(sequence);
        List<WriteBatch.Entry> entries = batch.entries();
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an empty batch is not logged (it changes nothing)");
        }
        long payload = PAYLOAD_PREFIX;
        for (WriteBatch.Entry e : entries) {
            MemTable.checkEntry(e.key(), e.value());
            payload += entrySize(e.key(), e.value());
        }
        if (payload > MAX_PAYLOAD) {
            throw new IllegalArgumentException("batch of " + entries.size() + " entries encodes to "
                    + payload + " bytes; a log record holds at most " + MAX_PAYLOAD);
        }
        byte[] rec = new byte[RECORD_HEADER_SIZE + (int) payload];
        LogFormat.putLong(rec, RECORD_HEADER_SIZE, sequence);
        LogFormat.putInt(rec, RECORD_HEADER_SIZE + 8, entries.size());
        int at = RECORD_HEADER_SIZE + PAYLOAD_PREFIX;
        for (WriteBatch.Entry e : entries) {
            at = writeEntry(rec, at, e.key(), e.value());
        }
        seal(rec, 0, rec.length, new LogFormat.SaltedCrc(salt));
        return rec;
    }

    private static int entrySize(Bytes key, Bytes value) {
        return value.isEmpty() ? 3 + key.length() : 7 + key.length() + value.length();
    }

    private static int writeEntry(byte[] rec, int at, Bytes key, Bytes value) {
        rec[at] = value.isEmpty() ? KIND_DELETE : KIND_PUT;
        LogFormat.putShort(rec, at + 1, key.length());
        at += 3;
        if (!value.isEmpty()) {
            LogFormat.putInt(rec, at, value.length());
            at += 4;
        }
        key.copyTo(rec, at);
        at += key.length();
        value.copyTo(rec, at);
        return at + value.length();
    }

    /**
     * Fills in length, type and both checksums of the record at {@code rec[at, at + size)} whose
     * payload is written.
     */
    private static void seal(byte[] rec, int at, int size, LogFormat.SaltedCrc crc) {
        LogFormat.putInt(rec, at + 8, size - RECORD_HEADER_SIZE);
        rec[at + 12] = TYPE_BATCH;
        LogFormat.putInt(rec, at + 4, crc.reset().update(rec, at + 8, size - 8).masked());
        LogFormat.putInt(rec, at, crc.reset().update(rec, at + 4, RECORD_HEADER_SIZE - 4).masked());
    }

    /**
     * Decodes the payload at {@code [start, start + length)} of the file, whose checksum has been
     * verified: its sequence and entries. Reads only inside that range and allocates only what the
     * entries declare within it.
     *
     * @throws MalformedRecordException if the payload does not follow the grammar, including a
     *     sequence of 0 or above {@code MemTable.MAX_SEQUENCE}
     * @throws IOException if the file cannot be read
     */
    static Decoded decode(FileWindow file, long start, int length)
            throws IOException, MalformedRecordException {
        long end = start + length;
        long at = start;
        if (length < PAYLOAD_PREFIX) {
            throw new MalformedRecordException("payload of " + length + " bytes has no sequence"
                    + " and entry count (" + PAYLOAD_PREFIX + " bytes)");
        }
        int prefix = file.fill(at, PAYLOAD_PREFIX);
        long sequence = LogFormat.getLong(file.array(), prefix);
        long count = Integer.toUnsignedLong(LogFormat.getInt(file.array(), prefix + 8));
        at += PAYLOAD_PREFIX;
        if (sequence < 1 || sequence > MemTable.MAX_SEQUENCE) {
            throw new MalformedRecordException("sequence " + Long.toUnsignedString(sequence)
                    + " is out of range (1 to MAX_SEQUENCE " + MemTable.MAX_SEQUENCE + " allowed)");
        }
        if (count == 0) {
            throw new MalformedRecordException("batch with no entries");
        }
        if (count > (end - at) / 3) {
            throw new MalformedRecordException("entry count " + count + " does not fit in "
                    + (end - at) + " bytes");
        }
        WriteBatch batch = new WriteBatch();
        for (long i = 0; i < count; i++) {
            if (end - at < 3) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            int h = file.fill(at, 3);
            byte kind = file.array()[h];
            int keyLength = LogFormat.getUnsignedShort(file.array(), h + 1);
            at += 3;
            int valueLength = 0;
            if (kind == KIND_PUT) {
                if (end - at < 4) {
                    throw new MalformedRecordException("entry " + i + " is cut off by the record end");
                }
                valueLength = LogFormat.getInt(file.array(), file.fill(at, 4));
                at += 4;
                if (valueLength <= 0 || valueLength > MemTable.MAX_VALUE_LENGTH) {
                    throw new MalformedRecordException("entry " + i + " has value length "
                            + Integer.toUnsignedString(valueLength) + " (1 to "
                            + MemTable.MAX_VALUE_LENGTH + " allowed)");
                }
            } else if (kind != KIND_DELETE) {
                throw new MalformedRecordException("entry " + i + " has unknown kind " + kind);
            }
            if (end - at < (long) keyLength + valueLength) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            byte[] key = new byte[keyLength];
            file.copy(at, key, 0, keyLength);
            at += keyLength;
            byte[] value = new byte[valueLength];
            file.copy(at, value, 0, valueLength);
            at += valueLength;
            try {
                batch.put(Bytes.wrap(key), Bytes.wrap(value));
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("entry " + i + ": " + e.getMessage());
            }
        }
        if (at != end) {
            throw new MalformedRecordException((end - at) + " bytes after the last entry");
        }
        return new Decoded(sequence, batch);
    }

    /**
     * Decodes the payload at {@code b[start, start + length)}, whose checksum has been verified,
     * as {@link #decode(FileWindow, long, int)} does (same grammar, same reasons), for a payload
     * that is wholly in memory. Reads only inside that range; allocates the batch and, per entry,
     * exactly its key and its value.
     *
     * @throws MalformedRecordException if the payload does not follow the grammar, including a
     *     sequence of 0 or above {@code MemTable.MAX_SEQUENCE}
     */
    static Decoded decode(byte[] b, int start, int length) throws MalformedRecordException {
        int end = start + length;
        int at = start;
        if (length < PAYLOAD_PREFIX) {
            throw new MalformedRecordException("payload of " + length + " bytes has no sequence"
                    + " and entry count (" + PAYLOAD_PREFIX + " bytes)");
        }
        long sequence = LogFormat.getLong(b, at);
        long count = Integer.toUnsignedLong(LogFormat.getInt(b, at + 8));
        at += PAYLOAD_PREFIX;
        if (sequence < 1 || sequence > MemTable.MAX_SEQUENCE) {
            throw new MalformedRecordException("sequence " + Long.toUnsignedString(sequence)
                    + " is out of range (1 to MAX_SEQUENCE " + MemTable.MAX_SEQUENCE + " allowed)");
        }
        if (count == 0) {
            throw new MalformedRecordException("batch with no entries");
        }
        if (count > (end - at) / 3) {
            throw new MalformedRecordException("entry count " + count + " does not fit in "
                    + (end - at) + " bytes");
        }
        WriteBatch batch = new WriteBatch();
        for (long i = 0; i < count; i++) {
            if (end - at < 3) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            byte kind = b[at];
            int keyLength = LogFormat.getUnsignedShort(b, at + 1);
            at += 3;
            int valueLength = 0;
            if (kind == KIND_PUT) {
                if (end - at < 4) {
                    throw new MalformedRecordException("entry " + i + " is cut off by the record end");
                }
                valueLength = LogFormat.getInt(b, at);
                at += 4;
                if (valueLength <= 0 || valueLength > MemTable.MAX_VALUE_LENGTH) {
                    throw new MalformedRecordException("entry " + i + " has value length "
                            + Integer.toUnsignedString(valueLength) + " (1 to "
                            + MemTable.MAX_VALUE_LENGTH + " allowed)");
                }
            } else if (kind != KIND_DELETE) {
                throw new MalformedRecordException("entry " + i + " has unknown kind " + kind);
            }
            if (end - at < (long) keyLength + valueLength) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            byte[] key = Arrays.copyOfRange(b, at, at + keyLength);
            at += keyLength;
            Bytes value;
            if (valueLength == 0) {
                value = Bytes.EMPTY;
            } else {
                value = Bytes.wrap(Arrays.copyOfRange(b, at, at + valueLength));
                at += valueLength;
            }
            try {
                batch.put(Bytes.wrap(key), value);
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("entry " + i + ": " + e.getMessage());
            }
        }
        if (at != end) {
            throw new MalformedRecordException((end - at) + " bytes after the last entry");
        }
        return new Decoded(sequence, batch);
    }

    /**
     * Checks the payload at {@code b[start, start + length)}, whose checksum has been verified,
     * against the grammar exactly as {@link #decode(byte[], int, int)} does (same checks in the
     * same order, same reasons, the batch limit of {@link WriteBatch#put} included) and returns
     * its entry count, without building anything: for a pass that needs only to know that the
     * record is intact. Reads only inside that range; allocates nothing unless it throws.
     *
     * @throws MalformedRecordException if the payload does not follow the grammar, including a
     *     sequence of 0 or above {@code MemTable.MAX_SEQUENCE}
     */
    static int check(byte[] b, int start, int length) throws MalformedRecordException {
        int end = start + length;
        int at = start;
        if (length < PAYLOAD_PREFIX) {
            throw new MalformedRecordException("payload of " + length + " bytes has no sequence"
                    + " and entry count (" + PAYLOAD_PREFIX + " bytes)");
        }
        long sequence = LogFormat.getLong(b, at);
        long count = Integer.toUnsignedLong(LogFormat.getInt(b, at + 8));
        at += PAYLOAD_PREFIX;
        if (sequence < 1 || sequence > MemTable.MAX_SEQUENCE) {
            throw new MalformedRecordException("sequence " + Long.toUnsignedString(sequence)
                    + " is out of range (1 to MAX_SEQUENCE " + MemTable.MAX_SEQUENCE + " allowed)");
        }
        if (count == 0) {
            throw new MalformedRecordException("batch with no entries");
        }
        if (count > (end - at) / 3) {
            throw new MalformedRecordException("entry count " + count + " does not fit in "
                    + (end - at) + " bytes");
        }
        long total = 0;             // keys and values so far, as WriteBatch counts them
        for (long i = 0; i < count; i++) {
            if (end - at < 3) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            byte kind = b[at];
            int keyLength = LogFormat.getUnsignedShort(b, at + 1);
            at += 3;
            int valueLength = 0;
            if (kind == KIND_PUT) {
                if (end - at < 4) {
                    throw new MalformedRecordException("entry " + i + " is cut off by the record end");
                }
                valueLength = LogFormat.getInt(b, at);
                at += 4;
                if (valueLength <= 0 || valueLength > MemTable.MAX_VALUE_LENGTH) {
                    throw new MalformedRecordException("entry " + i + " has value length "
                            + Integer.toUnsignedString(valueLength) + " (1 to "
                            + MemTable.MAX_VALUE_LENGTH + " allowed)");
                }
            } else if (kind != KIND_DELETE) {
                throw new MalformedRecordException("entry " + i + " has unknown kind " + kind);
            }
            if (end - at < (long) keyLength + valueLength) {
                throw new MalformedRecordException("entry " + i + " is cut off by the record end");
            }
            at += keyLength + valueLength;
            // What WriteBatch.put refuses (the key length is a u16, never over MAX_KEY_LENGTH,
            // and the value length was checked above): the batch total.
            total += keyLength + valueLength;
            if (total > WriteBatch.MAX_BATCH_BYTES) {
                throw new MalformedRecordException("entry " + i + ": write batch would hold "
                        + total + " bytes of keys and values; the limit is "
                        + WriteBatch.MAX_BATCH_BYTES);
            }
        }
        if (at != end) {
            throw new MalformedRecordException((end - at) + " bytes after the last entry");
        }
        return (int) count;
    }

    /** A record whose checksum holds but whose payload breaks the grammar. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String reason) {
            super(reason, null, false, false);
        }
    }
}
