package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.MemTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code memtable shell} in a child JVM through its standard input as a person piping
 * commands would, kills it with SIGKILL right after the last acknowledgement, starts it again on
 * the same directory and reads everything back.
 */
class ShellEndToEndTest {

    @TempDir
    Path dir;

    /** A running shell process. */
    private static final class ShellProcess implements AutoCloseable {
        final Process process;
        final Writer in;
        final BufferedReader out;

        ShellProcess(Path dir, String... extra) throws IOException {
            this(List.of(), dir, extra);
        }

        ShellProcess(List<String> jvmOptions, Path dir, String... extra) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            String modulePath = System.getProperty("jdk.module.path");
            if (modulePath != null) {
                command.addAll(List.of("--module-path", modulePath,
                        "-m", "dev.memtable.cli/dev.memtable.cli.Main"));
            } else {
                command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                        "dev.memtable.cli.Main"));
            }
            command.addAll(List.of("shell", "--dir", dir.toString()));
            command.addAll(List.of(extra));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
        }

        /** Sends one line and returns the first line of the answer. */
        String send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
            String answer = out.readLine();
            assertTrue(answer != null, "the shell ended after '" + line + "'");
            return answer;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shell_killedAfterAcknowledgements_keepsEveryWriteOnRestart() throws Exception {
        try (ShellProcess shell = new ShellProcess(dir, "--freeze-at", "200")) {
            for (int i = 0; i < 40; i++) {
                assertEquals("OK", shell.send("put key" + i + " value-" + i));
            }
            assertEquals("OK", shell.send("delete key7"));
            assertEquals("OK", shell.send("put 0x00ff \"spaced value\""));
            // SIGKILL right after the last OK: no close, no final sync.
            shell.process.destroyForcibly();
            assertTrue(shell.process.waitFor(30, TimeUnit.SECONDS));
        }
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".wal")), "logs were written");
        }
        try (ShellProcess shell = new ShellProcess(dir, "--freeze-at", "200")) {
            for (int i = 0; i < 40; i++) {
                assertEquals(i == 7 ? "(not found)" : "value-" + i, shell.send("get key" + i));
            }
            assertEquals("\"spaced value\"", shell.send("get 0x00ff"));
            assertEquals("(not found)", shell.send("get nothing"));
            shell.in.write("quit\n");
            shell.in.flush();
            assertTrue(shell.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, shell.process.exitValue());
        }
    }

    /** Sends {@code stats} and returns its lines. */
    private static List<String> stats(ShellProcess shell) throws IOException {
        List<String> lines = new ArrayList<>(List.of(shell.send("stats")));
        while (!lines.get(lines.size() - 1).startsWith("block cache: ")) {
            lines.add(shell.out.readLine());
        }
        return lines;
    }

    /** The number on the {@code name: } line of {@code stats}, before its first ", ". */
    private static long count(List<String> stats, String name) {
        String line = stats.stream().filter(l -> l.startsWith(name + ": ")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing: " + stats));
        String n = line.substring(name.length() + 2).split(", ")[0];
        return Long.parseLong(n.replace(",", ""));
    }

    @Test
    void shell_flushesAsItGrows_logsStayFew_andRunsSurviveARestart() throws Exception {
        int keys = 2000;
        try (ShellProcess shell = new ShellProcess(dir, "--freeze-at", "4096")) {
            for (int i = 0; i < keys; i++) {
                assertEquals("OK", shell.send("put key" + i + " value-" + i));
            }
            assertEquals("OK", shell.send("delete key7"));
            List<String> stats = stats(shell);
            assertTrue(count(stats, "runs") >= 1, "the store flushed by itself: " + stats);
            assertTrue(count(stats, "flushes") >= 1, stats.toString());
            try (Stream<Path> logs = Files.list(dir.resolve("wal"))) {
                long n = logs.filter(p -> p.toString().endsWith(".wal")).count();
                assertTrue(n <= 6, "flushed logs are deleted, not piled up: " + n);
            }
            assertTrue(shell.send("flush").startsWith("OK: "));
            assertEquals(1, count(stats(shell), "memtables"), "only the empty mutable one");
            assertTrue(shell.send("compact").matches("OK: runs \\d+ -> 1; .*"));
            shell.process.destroyForcibly(); // no close: the runs and the manifest are on disk
            assertTrue(shell.process.waitFor(30, TimeUnit.SECONDS));
        }
        try (ShellProcess shell = new ShellProcess(dir, "--freeze-at", "4096")) {
            List<String> stats = stats(shell);
            assertEquals(1, count(stats, "runs"), stats.toString());
            for (int i = 0; i < keys; i += 97) {
                assertEquals(i == 7 ? "(not found)" : "value-" + i, shell.send("get key" + i));
            }
            assertEquals("(not found)", shell.send("get key7"));
            assertEquals("key1999 = value-1999", shell.send("scan key1999 key19990"));
            assertEquals("(1 entry)", shell.out.readLine());
            shell.in.write("quit\n");
            shell.in.flush();
            assertTrue(shell.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, shell.process.exitValue());
        }
    }

    @Test
    void shell_lineLargerThanTheHeap_isRefusedAndTheShellGoesOn() throws Exception {
        // Enough heap for a line at the bound (about 128 MiB is needed for a put of a key and a
        // value at their limits in hex); the line sent is twice the heap.
        long heap = 192L << 20;
        try (ShellProcess shell = new ShellProcess(List.of("-Xmx" + (heap >> 20) + "m"), dir)) {
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'x');
            OutputStream raw = shell.process.getOutputStream();
            long sent = 6;
            String answer;
            try {
                raw.write("put k ".getBytes(StandardCharsets.US_ASCII));
                while (sent < 2 * heap) {
                    raw.write(chunk);
                    sent += chunk.length;
                }
                answer = shell.send("");
            } catch (IOException e) {
                throw new AssertionError("the shell died reading the line: "
                        + shell.out.lines().limit(5).toList(), e);
            }
            assertTrue(answer.startsWith(String.format(java.util.Locale.ROOT,
                    "error: line 1 is too long: %,d bytes, and a line may have %,d", sent,
                    InputLines.MAX_LINE_BYTES)), answer);
            assertEquals("OK", shell.send("put a 1"));
            assertEquals("1", shell.send("get a"));
            // A line at the bound's purpose, a key and a value at their limits in hex, is taken.
            shell.in.write("put 0x" + "6b".repeat(MemTable.MAX_KEY_LENGTH) + " 0x");
            shell.in.flush();
            byte[] hex = "76".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < MemTable.MAX_VALUE_LENGTH >> 20; i++) {
                raw.write(hex);
            }
            assertEquals("OK", shell.send(""));
            assertEquals("1", shell.send("get a"));
            shell.in.write("quit\n");
            shell.in.flush();
            assertTrue(shell.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Main.PROBLEM, shell.process.exitValue(), "a line failed");
        }
    }
}
