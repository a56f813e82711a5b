package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive path: lines read by JLine from a terminal (here one on byte streams). */
class ShellTerminalTest {

    @TempDir
    Path dir;

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

    /** Types {@code input} into the shell's interactive loop and returns what the shell printed. */
    private static String type(Store set, Shell[] shell, byte[] input) throws Exception {
        StringWriter printed = new StringWriter();
        shell[0] = new Shell(set, new PrintWriter(printed, true), "test");
        try (Terminal terminal = TerminalBuilder.builder().system(false)
                .streams(new ByteArrayInputStream(input), new ByteArrayOutputStream())
                .encoding(StandardCharsets.UTF_8).type(Terminal.TYPE_DUMB).build()) {
            ShellCommand.interactive(terminal, shell[0], null);
        }
        return printed.toString();
    }

    @Test
    void interactive_bytesThatAreNotUtf8_areRefusedNotReplaced() throws Exception {
        try (Store set = Store.open(dir, ShellTest.options())) {
            Shell[] shell = new Shell[1];
            String printed = type(set, shell, bytes("put ", 0xff, " one\nput ", 0xfe, " two\n",
                    "put a 1\nget a\n"));
            List<String> lines = printed.lines().toList();
            assertEquals(4, lines.size(), printed);
            assertTrue(lines.get(0).startsWith("error: line 1: the byte at offset 4 is not valid"
                    + " UTF-8"), printed);
            assertTrue(lines.get(1).startsWith("error: line 2: the byte at offset 4"), printed);
            assertEquals(List.of("OK", "1"), lines.subList(2, 4));
            assertTrue(set.get(Bytes.ofUtf8("\uFFFD")).isEmpty(), "nothing stored under U+FFFD");
            assertEquals(2, shell[0].failures());
        }
    }

    @Test
    void interactive_quit_endsTheLoop() throws Exception {
        try (Store set = Store.open(dir, ShellTest.options())) {
            String printed = type(set, new Shell[1], bytes("put a 1\nquit\nput b 2\n"));
            assertEquals("OK\n", printed);
            assertTrue(set.get(Bytes.ofUtf8("b")).isEmpty());
        }
    }
}
