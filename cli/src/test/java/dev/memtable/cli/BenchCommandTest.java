package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.MemTables;
import dev.memtable.spi.MemTableProvider;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    /** Small sizes, short rounds and a small child JVM, so a run takes a second or two. */
    private static final String[] TINY = {"bench", "-n", "3000", "--wal-writes", "40",
            "--wal-threads", "4", "--no-progress", "--warmups", "1", "--iterations", "1",
            "--seconds", "0.05", "--jvm-args", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"};

    private static String[] tiny(String... more) {
        String[] args = new String[TINY.length + more.length];
        System.arraycopy(TINY, 0, args, 0, TINY.length);
        System.arraycopy(more, 0, args, TINY.length, more.length);
        return args;
    }

    @Test
    void bench_tinySizes_printsAWellFormedTableWithEveryBackend() {
        CliRun run = CliRun.of(tiny());
        assertEquals(Main.OK, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith(
                "3,000 entries of 16-byte random keys and 100-byte values"), run.toString());
        assertEquals("each backend in its own JVM (-Xmx256m -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1): 1 warm-up + 1 measured fills; gets and 100-entry"
                + " scans at random keys, 1 + 1 rounds of 0.05 s", lines.get(1), run.toString());
        int head = lines.indexOf(lines.stream().filter(l -> l.startsWith("backend")).findFirst()
                .orElseThrow(() -> new AssertionError("no header row:\n" + run)));
        for (String column : List.of("puts/s", "gets/s", "scans/s", "heap B/entry",
                "WAL synced writes/s", "recovery")) {
            assertTrue(lines.get(head).contains(column), "missing column " + column + ":\n" + run);
        }
        assertTrue(lines.get(head + 1).matches("[- ]+"), run.toString());
        List<String> names = MemTables.providers().stream().map(MemTableProvider::name).toList();
        assertEquals(names.size(), lines.size() - head - 2, run.toString());
        Pattern row = Pattern.compile("(\\S+) +([\\d,]+) +([\\d,]+) +([\\d,]+) +(-?\\d+) \\(payload"
                + " 116\\) +([\\d,]+) +(\\d+) ms \\((\\d+) MB/s\\)");
        for (int i = 0; i < names.size(); i++) {
            Matcher m = row.matcher(lines.get(head + 2 + i));
            assertTrue(m.matches(), "malformed row: " + lines.get(head + 2 + i));
            assertEquals(names.get(i), m.group(1));
            for (int g : new int[] {2, 3, 4, 6}) {
                assertTrue(Long.parseLong(m.group(g).replace(",", "")) > 0,
                        "rate " + g + " must be positive: " + lines.get(head + 2 + i));
            }
        }
    }

    @Test
    void bench_json_hasOneObjectPerBackend() {
        CliRun run = CliRun.of(tiny("--json", "--backends", "treemap"));
        assertEquals(Main.OK, run.exitCode(), run.toString());
        String json = run.out().strip();
        assertTrue(json.startsWith("{\"entries\":3000,\"keySize\":16,\"valueSize\":100,"
                + "\"threads\":1,\"walWrites\":40,\"walThreads\":4,\"warmups\":1,\"iterations\":1,"
                + "\"seconds\":0.05,\"jvmArgs\":\"-Xmx256m -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1\",\"results\":["), json);
        assertTrue(json.endsWith("]}"), json);
        Matcher m = Pattern.compile("\\{\"backend\":\"(\\w+)\",\"putsPerSecond\":[\\d.]+,"
                + "\"getsPerSecond\":[\\d.]+,\"scansPerSecond\":[\\d.]+,\"heapBytesPerEntry\":"
                + "-?[\\d.]+,\"payloadBytesPerEntry\":116\\.0,\"walSyncedWritesPerSecond\":[\\d.]+,"
                + "\"recoveryMillis\":[\\d.]+,\"recoveryMbPerSecond\":[\\d.]+}").matcher(json);
        assertTrue(m.find(), json);
        assertEquals("treemap", m.group(1));
        assertTrue(!m.find(), "only the chosen backend: " + json);
    }

    @Test
    void bench_unknownBackend_listsTheKnownOnes() {
        CliRun run = CliRun.of(tiny("--backends", "nope"));
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown memtable backend 'nope'. Available: [")
                && run.err().contains("skiplist (dev.memtable.skiplist.SkipListMemTableProvider)"),
                run.toString());
        assertTrue(run.err().contains("Usage: memtable bench"), run.toString());
    }

    @Test
    void bench_badSizes_areUsageErrors() {
        for (String[] bad : List.of(new String[] {"-n", "0"}, new String[] {"--key-size", "3"},
                new String[] {"--value-size", "0"}, new String[] {"--threads", "0"},
                new String[] {"--wal-threads", "8", "--wal-writes", "2"},
                new String[] {"--warmups", "-1"}, new String[] {"--iterations", "0"},
                new String[] {"--seconds", "0"})) {
            String[] args = new String[bad.length + 2];
            args[0] = "bench";
            args[1] = "--no-progress";
            System.arraycopy(bad, 0, args, 2, bad.length);
            CliRun run = CliRun.of(args);
            assertEquals(Main.USAGE, run.exitCode(), String.join(" ", bad) + "\n" + run);
            assertTrue(run.err().contains("must be"), run.toString());
        }
    }

    @Test
    void bench_runsEachBackendInItsOwnJvm_andReportsAChildThatFails() {
        // An option only a new JVM reads: if the backend ran in this JVM, the run would succeed.
        String[] args = tiny("--backends", "skiplist");
        args[args.length - 3] = "-XX:+NoSuchMemtableOption";
        CliRun run = CliRun.of(args);
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains("the skiplist run failed in its JVM (exit 1;"
                + " -XX:+NoSuchMemtableOption)"), run.toString());
        assertTrue(run.err().contains("Unrecognized VM option 'NoSuchMemtableOption'"),
                run.toString());
    }

    @Test
    void bench_childOption_runsOneBackendHereAndPrintsMachineLines() {
        CliRun run = CliRun.of(tiny("--child", "--backends", "treemap"));
        assertEquals(Main.OK, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("progress 0 "), run.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("result treemap 0x1."), run.toString());
    }

    @Test
    void bench_notANumber_isAUsageError() {
        CliRun run = CliRun.of("bench", "-n", "lots");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("'lots' is not an int"), run.toString());
    }

    @Test
    void bench_dirThatIsNotADirectory_isAUsageError() {
        CliRun run = CliRun.of(tiny("--dir", "/definitely/not/here"));
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("/definitely/not/here is not a directory"), run.toString());
    }

    @Test
    void main_noCommandOrUnknownOption_printsUsage() {
        CliRun none = CliRun.of();
        assertEquals(Main.USAGE, none.exitCode(), none.toString());
        assertTrue(none.err().contains("Missing a command"), none.toString());
        CliRun unknown = CliRun.of("bench", "--frobnicate");
        assertEquals(Main.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown option: '--frobnicate'"), unknown.toString());
    }
}
