package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.set.MemTableSet;
import dev.memtable.MemTables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShellTest {
    private MemTableSet set;
    private StringWriter buffer;
    private Shell shell;

    @BeforeEach
    void open() throws Exception {
        set = MemTableSet.builder().backend(MemTables.provider("skiplist")).freezeAtBytes(1 << 20)
                .build();
        buffer = new StringWriter();
        shell = new Shell(set, new PrintWriter(buffer, true), "test");
    }

    @AfterEach
    void close() throws Exception {
        set.close();
    }

    private String run(String... lines) {
        buffer.getBuffer().setLength(0);
        for (String line : lines) {
            shell.execute(line);
        }
        return buffer.toString();
    }

    @Test
    void putGetDelete_roundTrip() {
        assertEquals("OK\nOK\n", run("put a 1", "put b \"two words\""));
        assertEquals("1\n\"two words\"\n(not found)\n", run("get a", "get b", "get c"));
        assertEquals("OK\n(deleted)\n", run("delete a", "get a"));
    }

    @Test
    void hexArguments_andNonTextValues_areShownAsHex() {
        assertEquals("OK\n", run("put 0x00ff 0x0102"));
        assertEquals(Bytes.fromHex("0102"), set.get(Bytes.fromHex("00ff")).orElseThrow());
        assertEquals("0x0102\n", run("get 0x00ff"));
        assertEquals("OK\nx\n", run("put \"0x31\" x", "get \"0x31\""), "quoted 0x… is text");
        assertEquals(Bytes.ofUtf8("x"), set.get(Bytes.ofUtf8("0x31")).orElseThrow());
    }

    @Test
    void scan_listsLiveEntriesInRange() {
        run("put a 1", "put b 2", "put c 3", "delete b", "put d 4");
        assertEquals("a = 1\nc = 3\nd = 4\n(3 entries)\n", run("scan"));
        assertEquals("c = 3\n(1 entry)\n", run("scan b d"));
        assertEquals("a = 1\nc = 3\n(2 entries)\n", run("scan - d"));
        assertEquals("(0 entries)\n", run("scan x"));
    }

    @Test
    void freezeAndStats_showTheTables() {
        assertTrue(run("freeze").startsWith("OK: nothing to freeze"));
        run("put a 1");
        String froze = run("freeze");
        assertTrue(froze.startsWith("OK: froze table "), froze);
        String stats = run("stats");
        assertTrue(stats.contains("store: test"), stats);
        assertTrue(stats.contains("immutable: 1 (newest first)"), stats);
        assertEquals("1\n", run("get a"), "a frozen table stays readable");
    }

    @Test
    void badLines_printErrorsAndKeepGoing() {
        assertEquals("error: usage: put KEY VALUE\n", run("put a"));
        assertEquals("error: unknown command 'frob'; type help for the list\n", run("frob"));
        assertEquals("error: unterminated quote\n", run("put \"a 1"));
        assertTrue(run("put a 0xzz").startsWith("error: bad hex '0xzz'"));
        assertTrue(run("put a \"\"").startsWith("error: an empty value is a delete"));
        String tooLong = run("put 0x" + "00".repeat(70_000) + " v");
        assertTrue(tooLong.startsWith("error: key is 70000 bytes; the limit is 65535"), tooLong);
        assertTrue(set.mutable().isEmpty(), "no bad line wrote anything");
        assertTrue(shell.execute("get a"));
    }

    @Test
    void quit_endsTheShell_andHelpListsEveryCommand() {
        String help = run("help");
        for (String c : List.of("put", "get", "delete", "scan", "freeze", "stats", "help", "quit")) {
            assertTrue(help.contains("  " + c), c + " missing from help:\n" + help);
        }
        assertFalse(shell.execute("quit"));
        assertFalse(shell.execute("exit"));
        assertTrue(shell.execute("   "));
    }

    @Test
    void tokenize_handlesQuotesAndEscapes() {
        assertEquals(List.of("put", "\u0000a b", "\u0000say \"hi\" \\"),
                Shell.tokenize("put \"a b\"  \"say \\\"hi\\\" \\\\\""));
        assertThrows(IllegalArgumentException.class, () -> Shell.tokenize("\"a\\n\""));
    }

    @Test
    void show_quotesWhitespaceAndEscapesControlBytes() {
        assertEquals("abc", Shell.show(Bytes.ofUtf8("abc")));
        assertEquals("\"a b\"", Shell.show(Bytes.ofUtf8("a b")));
        assertEquals("0x610a", Shell.show(Bytes.ofUtf8("a\n")));
        assertEquals("0xff", Shell.show(Bytes.fromHex("ff")));
        assertEquals("\"0x12\"", Shell.show(Bytes.ofUtf8("0x12")));
    }
}
