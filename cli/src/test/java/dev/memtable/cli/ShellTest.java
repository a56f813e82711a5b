package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.set.MemTableSet;
import dev.memtable.MemTables;
import dev.memtable.cli.ShellSyntax.Word;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertTrue(stats.contains("last sequence: 1\n"), stats);
        assertTrue(stats.contains("immutable: 1 (newest first)"), stats);
        assertEquals("1\n", run("get a"), "a frozen table stays readable");
    }

    @Test
    void badLines_printErrorsAndKeepGoing() {
        assertEquals("error: usage: put KEY VALUE\n", run("put a"));
        assertEquals("error: unknown command 'frob'; type help for the list\n", run("frob"));
        assertEquals("error: unterminated quote (opened at column 7)\n", run("put a \"1"));
        assertTrue(run("put a 0xzz").startsWith("error: bad hex '0xzz'"));
        assertTrue(run("put a \"\"").startsWith("error: an empty value is a delete"));
        String tooLong = run("put 0x" + "00".repeat(70_000) + " v");
        assertTrue(tooLong.startsWith("error: key is 70000 bytes; the limit is 65535"), tooLong);
        assertTrue(set.mutable().isEmpty(), "no bad line wrote anything");
        assertTrue(shell.execute("get a"));
    }

    @Test
    void put_nulAtTheStartOfAnUnquotedWord_isKept() {
        assertEquals("OK\n", run("put \u0000a v"));
        assertEquals(Bytes.ofUtf8("v"), set.get(Bytes.fromHex("0061")).orElseThrow());
        assertEquals("(not found)\n", run("get a"), "the NUL is part of the key");
        assertEquals("OK\nw\n", run("put \"\u0000b\" w", "get 0x0062"));
        assertEquals("(not found)\n", run("get b"));
    }

    @Test
    void badLines_hostileInput_eachGetsOneErrorAndTheShellGoesOn() {
        assertEquals("", run("", "   ", "\t \u000b"), "blank lines do nothing");
        assertEquals(0, shell.failures());
        assertEquals("error: bad escape at column 9: only \\\" and \\\\ are allowed\n",
                run("put a \"b\\n\""));
        assertEquals("error: bad hex '0x123': an odd number of digits (3); each byte takes two"
                + " (quote the word to mean the text)\n", run("put a 0x123"));
        assertTrue(run("put 0x v").startsWith("error: 0x needs hex digits after it"));
        assertTrue(run("put a 0x\u0663\u0663").startsWith("error: bad hex '0x\u0663\u0663':"
                + " '\u0663' at column 3 is not a hex digit"), "no non-ASCII digits");
        assertEquals("error: usage: put KEY VALUE\n", run("put a b c" + " d".repeat(100_000)));
        assertEquals("error: usage: get KEY\n", run("get a b c \"unterminated"));
        assertEquals("error: unknown command '<U+FEFF>put'; type help for the list\n",
                run("\uFEFFput a 1"));
        assertEquals("error: unknown command '" + "x".repeat(40) + "'... (100000 characters);"
                + " type help for the list\n", run("x".repeat(100_000)));
        String longHex = run("put a 0x" + "0".repeat(99_999) + "g");
        assertTrue(longHex.startsWith("error: bad hex '0x" + "0".repeat(38) + "'... (100002"
                + " characters): 'g' at column 100002 is not a hex digit"), longHex);
        assertEquals(1, longHex.lines().count());
        assertEquals(9, shell.failures());
        assertTrue(set.mutable().isEmpty(), "no bad line wrote anything");
        assertEquals("OK\n1\n", run("put a 1", "get a"));
        assertEquals(9, shell.failures());
    }

    @Test
    void commands_quotedWords_areTextEvenWhereAWordHasAMeaning() {
        assertEquals("OK\nOK\n", run("\"put\" - 1", "put \"-\" 2"));
        assertEquals("- = 2\n(1 entry)\n", run("scan \"-\" -"), "a quoted - is the key -");
        assertEquals("OK\n\"0x\"\n", run("put k \"0x\"", "get k"));
    }

    @Test
    void failures_countsEveryFailedLine_andRefuse() {
        run("put a 1", "frob", "get", "get a");
        assertEquals(2, shell.failures());
        shell.refuse("line 9: bad");
        assertEquals("error: line 9: bad\n", buffer.toString().lines().reduce((a, b) -> b)
                .orElseThrow() + "\n");
        assertEquals(3, shell.failures());
    }

    @Test
    void write_logFailure_isShownWithTheFileAndTheCause(@TempDir Path dir) throws Exception {
        try (MemTableSet durable = MemTableSet.builder().backend(MemTables.provider("skiplist"))
                .walDirectory(dir).build()) {
            Shell s = new Shell(durable, new PrintWriter(buffer, true), "test");
            buffer.getBuffer().setLength(0);
            assertTrue(s.execute("put a 1"));
            long next = durable.mutable().id() + 1;
            Path blocked = dir.resolve(String.format("%020d.wal", next));
            Files.createDirectory(blocked);
            assertTrue(s.execute("freeze"));
            assertEquals("OK\nerror: could not create the write-ahead log " + blocked
                    + " of memtable " + next + ": already exists\n", buffer.toString());
            assertEquals(1, s.failures());
        }
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
        assertEquals(List.of(Word.plain("put"), Word.quoted("a b"), Word.quoted("say \"hi\" \\")),
                ShellSyntax.tokenize("put \"a b\"  \"say \\\"hi\\\" \\\\\"", 10));
        assertThrows(IllegalArgumentException.class, () -> ShellSyntax.tokenize("\"a\\n\"", 10));
    }

    @Test
    void show_quotesWhitespaceAndEscapesControlBytes() {
        assertEquals("abc", ShellSyntax.show(Bytes.ofUtf8("abc")));
        assertEquals("\uD83D\uDE00", ShellSyntax.show(Bytes.ofUtf8("\uD83D\uDE00")));
        assertEquals("\"say \\\"hi\\\"\"", ShellSyntax.show(Bytes.ofUtf8("say \"hi\"")));
        assertEquals("0xefbbbf61", ShellSyntax.show(Bytes.ofUtf8("\uFEFFa")), "invisible: hex");
        assertEquals("0x61c2a062", ShellSyntax.show(Bytes.ofUtf8("a\u00A0b")), "no-break space");
        assertEquals("0xefbfbd", ShellSyntax.show(Bytes.ofUtf8("\uFFFD")));
        assertEquals("\"a b\"", ShellSyntax.show(Bytes.ofUtf8("a b")));
        assertEquals("0x610a", ShellSyntax.show(Bytes.ofUtf8("a\n")));
        assertEquals("0xff", ShellSyntax.show(Bytes.fromHex("ff")));
        assertEquals("\"0x12\"", ShellSyntax.show(Bytes.ofUtf8("0x12")));
    }
}
