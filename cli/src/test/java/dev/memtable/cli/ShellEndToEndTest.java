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
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".wal")), "logs were written");
        }
        try (ShellProcess shell = new ShellProcess(dir, "--freeze-at", "200")) {
            for (int i = 0; i < 40; i++) {
                assertEquals(i == 7 ? "(deleted)" : "value-" + i, shell.send("get key" + i));
            }
            assertEquals("\"spaced value\"", shell.send("get 0x00ff"));
            assertEquals("(not found)", shell.send("get nothing"));
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
