package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.MemTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputLinesTest {

    private static InputLines lines(byte[] input) {
        return new InputLines(new ByteArrayInputStream(input));
    }

    private static InputLines lines(String input) {
        return lines(input.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    /** Every line, or the message of a refused one, in order. */
    private static List<String> all(InputLines in) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                String line = in.next();
                if (line == null) {
                    return out;
                }
                out.add(line);
            } catch (InputLines.BadLine e) {
                out.add("BAD " + e.getMessage());
            }
        }
    }

    @Test
    void next_invalidUtf8_isRefusedWithLineAndOffset_notReplaced() throws IOException {
        List<String> got = all(lines(bytes("put ", 0xff, " one\nput ", 0xfe, " two\nput a 1\n")));
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("BAD line 1: the byte 0xff at offset 4 is not valid"
                + " UTF-8; the line was skipped"), got.get(0));
        assertTrue(got.get(0).contains("as hex, e.g. 0xff"), got.get(0));
        assertTrue(got.get(1).startsWith("BAD line 2: the byte 0xfe at offset 4"), got.get(1));
        assertEquals("put a 1", got.get(2));
    }

    @Test
    void next_overlongAndSurrogateEncodings_areRefused() throws IOException {
        List<String> got = all(lines(bytes("a", 0xc0, 0x80, "\nb", 0xed, 0xa0, 0x80, "\n",
                "c", 0xe2, 0x82, "\n")));
        assertTrue(got.get(0).startsWith("BAD line 1: the byte 0xc0 at offset 1"), got.toString());
        assertTrue(got.get(1).startsWith("BAD line 2: the byte 0xed at offset 1"), got.toString());
        assertTrue(got.get(2).startsWith("BAD line 3: the byte 0xe2 at offset 1"), got.toString());
    }

    @Test
    void next_validMultibyteText_isKeptExactly() throws IOException {
        String text = "put clé \u20ac\uD83D\uDE00 \uFFFD\u0000x";
        assertEquals(List.of(text), all(lines(text + "\n")));
    }

    @Test
    void next_crLfAndMissingLastEnd_areLineEnds_loneCrIsKept() throws IOException {
        assertEquals(List.of("put a 1", "", "get a", "x\ry"),
                all(lines("put a 1\r\n\r\nget a\nx\ry")));
        assertEquals(List.of(), all(lines("")));
        assertEquals(List.of(""), all(lines("\n")));
        assertEquals(List.of("", ""), all(lines("\n\r\n")));
    }

    @Test
    void next_byteOrderMark_isSkippedAtTheStartOnly() throws IOException {
        assertEquals(List.of("put a 1", "\uFEFFget a"),
                all(lines(bytes(0xef, 0xbb, 0xbf, "put a 1\n", 0xef, 0xbb, 0xbf, "get a\n"))));
        assertEquals(List.of(""), all(lines(bytes(0xef, 0xbb, 0xbf))));
    }

    @Test
    void next_lineOverTheBound_isSkippedAndTheNextOneRead() throws Exception {
        InputLines in = new InputLines(new ByteArrayInputStream(
                bytes("0123456789\n", "01234567890\n", "0123456789\r\n", "x".repeat(100000),
                        "\nlast")), 10);
        assertEquals("0123456789", in.next());
        InputLines.BadLine e = assertThrows(InputLines.BadLine.class, in::next);
        assertEquals("line 2 is too long: 11 bytes, and a line may have 10 (enough for a key and a"
                + " value at their limits in hex); it was skipped", e.getMessage());
        assertEquals("0123456789", in.next(), "the CR of a CR LF does not count");
        e = assertThrows(InputLines.BadLine.class, in::next);
        assertTrue(e.getMessage().startsWith("line 4 is too long: 100,000 bytes"), e.getMessage());
        assertEquals("last", in.next());
        assertNull(in.next());
        assertEquals(5, in.lineNumber());
    }

    @Test
    void next_endlessLine_isCountedNotHeld() throws IOException, InputLines.BadLine {
        long size = 3L * InputLines.MAX_LINE_BYTES; // far more than the bound, never allocated
        InputStream endless = new InputStream() {
            long left = size;
            boolean tail;

            @Override
            public int read() {
                throw new AssertionError("read in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    if (tail) {
                        return -1;
                    }
                    tail = true;
                    byte[] rest = "\nget a\n".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(rest, 0, b, off, rest.length);
                    return rest.length;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'z');
                left -= n;
                return n;
            }
        };
        InputLines in = new InputLines(endless);
        InputLines.BadLine e = assertThrows(InputLines.BadLine.class, in::next);
        assertTrue(e.getMessage().startsWith(String.format(java.util.Locale.ROOT,
                "line 1 is too long: %,d bytes", size)), e.getMessage());
        assertEquals("get a", in.next());
    }

    @Test
    void maxLineBytes_holdsAPutOfAKeyAndAValueAtTheirLimitsInHex() {
        long put = "put 0x".length() + 2L * MemTable.MAX_KEY_LENGTH + " 0x".length()
                + 2L * MemTable.MAX_VALUE_LENGTH;
        assertTrue(InputLines.MAX_LINE_BYTES >= put, InputLines.MAX_LINE_BYTES + " < " + put);
        assertTrue(InputLines.MAX_LINE_BYTES <= put + 4096, "no more than the need");
    }

    @Test
    void checkDecoded_replacementCharacter_isRefusedWithTheByteOffset() throws InputLines.BadLine {
        assertEquals("put clé v", InputLines.checkDecoded("put clé v", 1));
        InputLines.BadLine e = assertThrows(InputLines.BadLine.class,
                () -> InputLines.checkDecoded("put é\uFFFD v", 7));
        assertTrue(e.getMessage().startsWith("line 7: the byte at offset 6 is not valid UTF-8"),
                e.getMessage());
        assertTrue(e.getMessage().contains("as hex"), e.getMessage());
    }
}
