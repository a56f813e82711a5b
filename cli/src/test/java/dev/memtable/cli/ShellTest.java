package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.cli.ShellSyntax.Word;
import dev.memtable.store.Store;
import dev.memtable.store.StoreOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's commands over a real {@link Store} in a temporary directory. */
class ShellTest {
    @TempDir
    Path dir;
    private Store store;
    private StringWriter buffer;
    private Shell shell;

    /** The options of the tests: 1 MiB memtables, so nothing flushes unless a test says so. */
    static StoreOptions options() {
        return StoreOptions.defaults().withBackend("skiplist").withFreezeAtBytes(1 << 20);
    }

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir, options());
        buffer = new StringWriter();
        shell = new Shell(store, new PrintWriter(buffer, true), "test");
    }

    @AfterEach
    void close() throws Exception {
        store.close();
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
        assertEquals("OK\n(not found)\n", run("delete a", "get a"),
                "the store cannot tell deleted from never written once runs merge");
    }

    @Test
    void hexArguments_andNonTextValues_areShownAsHex() {
        assertEquals("OK\n", run("put 0x00ff 0x0102"));
        assertEquals(Bytes.fromHex("0102"), store.get(Bytes.fromHex("00ff")).orElseThrow());
        assertEquals("0x0102\n", run("get 0x00ff"));
        assertEquals("OK\nx\n", run("put \"0x31\" x", "get \"0x31\""), "quoted 0x… is text");
        assertEquals(Bytes.ofUtf8("x"), store.get(Bytes.ofUtf8("0x31")).orElseThrow());
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
    void flushAndStats_showTheRuns() {
        assertEquals("OK: nothing to flush (the memtables are empty)\n", run("flush"));
        run("put a 1", "put b 2", "delete b");
        String flushed = run("flush");
        assertTrue(flushed.matches("OK: flushed; runs: 1, [0-9,]+ bytes, 2 entries\n"), flushed);
        String stats = run("stats");
        assertTrue(stats.startsWith("store: test\nlast sequence: 3\nmemtables: 1, 0 bytes\n"
                + "runs: 1, "), stats);
        assertTrue(stats.contains(" bytes, 2 entries\nflushes: 1, compactions: 0"), stats);
        assertEquals("1\n(not found)\n", run("get a", "get b"), "read from the run");
        assertEquals("a = 1\n(1 entry)\n", run("scan"));
        assertTrue(run("put c 3", "freeze").startsWith("OK\nOK: flushed; runs: 2, "),
                "freeze is flush's old name");
        assertTrue(run("stats").contains("\nruns: 2, "));
    }

    @Test
    void stats_showsTheBlockCache() {
        run("put a 1", "flush");
        String before = run("stats");
        assertTrue(before.contains("block cache: "), before);
        assertTrue(before.contains(String.format(java.util.Locale.ROOT, " of %,d bytes used\n",
                StoreOptions.DEFAULT_BLOCK_CACHE_BYTES)), before);
        run("get a", "get a", "get a");
        long hits = store.cacheStats().hits();
        long misses = store.cacheStats().misses();
        assertTrue(hits > 0, "a block read again is a hit: " + store.cacheStats());
        String after = run("stats");
        assertTrue(after.contains(String.format(java.util.Locale.ROOT,
                "block cache: %,d hits, %,d misses, hit rate %.1f %%,", hits, misses,
                100.0 * hits / (hits + misses))), after);
    }

    @Test
    void compact_mergesEveryRunIntoOne_andTheDataStays() throws Exception {
        run("put a 1", "flush", "put b 2", "flush", "delete a", "put c 3", "flush");
        assertEquals(3, store.stats().runs());
        String compacted = run("compact");
        assertTrue(compacted.startsWith("OK: runs 3 -> 1; entries 4 -> "), compacted);
        assertEquals(1, store.stats().runs());
        assertEquals(1, store.stats().compactions());
        assertEquals("(not found)\n2\n3\n", run("get a", "get b", "get c"));
        assertEquals("b = 2\nc = 3\n(2 entries)\n", run("scan"));
        assertEquals("c = 3\n(1 entry)\n", run("scan c"));
        assertTrue(run("stats").contains("\nflushes: 3, compactions: 1"));
    }

    @Test
    void compact_withoutRunsOrWithOne_saysSo() {
        assertEquals("OK: nothing to compact (no runs; flush writes the memtables to runs)\n",
                run("compact"));
        run("put a 1", "flush");
        assertEquals("OK: nothing to compact (one run; flush writes the memtables to runs)\n",
                run("compact"));
        assertEquals(0, store.stats().compactions());
    }

    @Test
    void flushCompactStats_withArguments_areUsageErrors() {
        run("put a 1");
        assertEquals("error: usage: flush\nerror: usage: freeze\nerror: usage: compact\n"
                + "error: usage: stats\nerror: usage: compact\n",
                run("flush now", "freeze a", "compact all", "stats x", "compact \"\""));
        assertEquals(5, shell.failures());
        assertEquals(0, store.stats().runs(), "no flush ran");
        assertEquals(1, store.stats().lastSequence());
    }

    @Test
    void resume_isGone_andSaysWhatToDoInstead() {
        String r = run("resume");
        assertTrue(r.startsWith("error: resume is gone: ") && r.contains("quit and start the"
                + " shell again on the same directory"), r);
        assertEquals(1, shell.failures());
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
        assertEquals(0, store.stats().lastSequence(), "no bad line wrote anything");
        assertTrue(shell.execute("get a"));
    }

    @Test
    void put_nulAtTheStartOfAnUnquotedWord_isKept() {
        assertEquals("OK\n", run("put \u0000a v"));
        assertEquals(Bytes.ofUtf8("v"), store.get(Bytes.fromHex("0061")).orElseThrow());
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
        assertEquals(0, store.stats().lastSequence(), "no bad line wrote anything");
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
    void flush_logFailure_printsTheErrorAndTheShellGoesOn() throws Exception {
        run("put a 1");
        // The next logs cannot be created: a directory stands where each would go.
        Path wal = dir.resolve("wal");
        for (int id = 1; id < 20; id++) {
            Path log = wal.resolve(String.format("%020d.wal", id));
            if (!Files.exists(log)) {
                Files.createDirectory(log);
            }
        }
        String failed = run("flush");
        assertTrue(failed.startsWith("error: ") && failed.contains("wal"), failed);
        assertTrue(failed.contains("\nthe store hit an I/O error: fix the cause"), failed);
        assertEquals(1, shell.failures());
        assertEquals("1\n", run("get a"), "reads go on");
        assertTrue(shell.execute("stats"));
    }

    @Test
    void quit_endsTheShell_andHelpListsEveryCommand() {
        String help = run("help");
        for (String c : List.of("put", "get", "delete", "scan", "flush", "compact", "stats", "help",
                "quit")) {
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
