package dev.memtable.cli;

import dev.memtable.MemTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The lines of the shell's input, taken exactly or refused, never rewritten: strict UTF-8, and a
 * bound on the length of a line that holds even while a longer one is being read.
 *
 * <p>Lines end with LF or CR LF (the CR is removed); the last line may lack its end. A UTF-8
 * byte-order mark at the very start of the input is skipped. A line longer than the bound is read
 * to its end while only counted, never held, and refused; a line that is not valid UTF-8 is
 * refused with its line number and the byte offset of the first bad byte. A refused line is
 * consumed whole, so reading goes on with the next. Not thread-safe.
 */
final class InputLines {

    /**
     * The longest line taken, in bytes: {@code put} with a key and a value at their limits
     * ({@link MemTable#MAX_KEY_LENGTH}, {@link MemTable#MAX_VALUE_LENGTH}), each written in its
     * longest form (hex, or quoted with every byte escaped: two bytes per byte, plus two), with
     * 1 KiB to spare for the command and the spaces between words. About 32 MiB.
     */
    static final int MAX_LINE_BYTES = 2 * (MemTable.MAX_KEY_LENGTH + 1)
            + 2 * (MemTable.MAX_VALUE_LENGTH + 1) + 1024;

    /** A line that was read to its end and refused; the message says why and what to do. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String message) {
            super(message);
        }
    }

    private static final int SMALL = 8 * 1024;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[SMALL];
    private long number;

    /**
     * Reads {@code in} with the bound {@link #MAX_LINE_BYTES}.
     *
     * @throws NullPointerException if {@code in} is null
     */
    InputLines(InputStream in) {
        this(in, MAX_LINE_BYTES);
    }

    /**
     * Reads {@code in} with the bound {@code maxLineBytes} (for tests).
     *
     * @throws NullPointerException if {@code in} is null
     * @throws IllegalArgumentException if {@code maxLineBytes} is less than 1
     */
    InputLines(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, not "
                    + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Returns the number of the line last returned or refused (1-based; 0 before the first). */
    long lineNumber() {
        return number;
    }

    /**
     * Returns the next line without its end, or null at the end of the input.
     *
     * @throws BadLine if the line is too long or not valid UTF-8; the line is consumed
     * @throws IOException if reading fails
     */
    String next() throws IOException, BadLine {
        int length = 0;
        long total = 0;
        boolean tooLong = false;
        boolean ended = false;
        while (!ended) {
            if (pos == limit && !fill()) {
                if (total == 0) {
                    return null;
                }
                break;
            }
            int nl = pos;
            while (nl < limit && buffer[nl] != '\n') {
                nl++;
            }
            int n = nl - pos;
            total += n;
            // Hold at most the bound plus one byte for a CR; beyond that, only count.
            if (!tooLong && total > maxLineBytes + 1L) {
                tooLong = true;
                line = new byte[SMALL];
            }
            if (!tooLong) {
                append(length, n);
                length += n;
            }
            ended = nl < limit;
            pos = ended ? nl + 1 : limit;
        }
        number++;
        if (tooLong) {
            throw tooLong(number, total, maxLineBytes);
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (length > maxLineBytes) {
            throw tooLong(number, length, maxLineBytes);
        }
        int from = number == 1 && startsWithBom(length) ? BOM.length : 0;
        String text = decode(line, from, length, number);
        if (length > SMALL) {
            line = new byte[SMALL]; // do not keep a large buffer after a large line
        }
        return text;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer);
        while (n == 0) {
            n = in.read(buffer);
        }
        if (n < 0) {
            eof = true;
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private void append(int length, int n) {
        if (length + n > line.length) {
            int grown = (int) Math.min(maxLineBytes + 1L,
                    Math.max((long) length + n, 2L * line.length));
            line = Arrays.copyOf(line, grown);
        }
        System.arraycopy(buffer, pos, line, length, n);
    }

    private boolean startsWithBom(int length) {
        return length >= BOM.length && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2];
    }

    /**
     * Decodes {@code bytes[from, to)} as strict UTF-8.
     *
     * @throws BadLine naming line {@code number} and the offset (from the start of the line) of
     *     the first byte that is not valid UTF-8
     */
    static String decode(byte[] bytes, int from, int to, long number) throws BadLine {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(Math.min(SMALL, Math.max(16, to - from)));
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw notUtf8(number, in.position(), bytes[in.position()]);
            }
            if (r.isUnderflow()) {
                break;
            }
            out.clear(); // only checking here; the string is made below in one step
        }
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * Checks a line that a terminal library already decoded, replacing each byte that was not
     * UTF-8 with U+FFFD: such a line is refused rather than taken rewritten (a U+FFFD typed on
     * purpose is refused too; it can be written as {@code 0xefbfbd}). Also applies the length
     * bound.
     *
     * @throws BadLine naming line {@code number} and the byte offset of the first U+FFFD, or the
     *     length
     * @throws NullPointerException if {@code line} is null
     */
    static String checkDecoded(String line, long number) throws BadLine {
        long bytes = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\uFFFD') {
                throw new BadLine(String.format(Locale.ROOT, "line %d: the byte at offset %d is not"
                        + " valid UTF-8 (the terminal turned it into U+FFFD); the line was skipped."
                        + " Write bytes that are not UTF-8 text as hex, e.g. 0xff (U+FFFD itself is"
                        + " 0xefbfbd)", number, bytes));
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        if (bytes > MAX_LINE_BYTES) {
            throw tooLong(number, bytes, MAX_LINE_BYTES);
        }
        return line;
    }

    private static BadLine tooLong(long number, long bytes, int max) {
        return new BadLine(String.format(Locale.ROOT, "line %d is too long: %,d bytes, and a line"
                + " may have %,d (enough for a key and a value at their limits in hex); it was"
                + " skipped", number, bytes, max));
    }

    private static BadLine notUtf8(long number, int offset, byte b) {
        return new BadLine(String.format(Locale.ROOT, "line %d: the byte 0x%02x at offset %d is not"
                + " valid UTF-8; the line was skipped. Write bytes that are not UTF-8 text as hex,"
                + " e.g. 0x%02x", number, b & 0xFF, offset, b & 0xFF));
    }
}
