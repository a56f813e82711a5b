package dev.memtable.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the command in-process and captures its exit code and both streams. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        return withInput(new byte[0], args);
    }

    /** Runs with {@code input} as the shell's piped standard input. */
    static CliRun withInput(byte[] input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new ByteArrayInputStream(input), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs with {@code input}, as UTF-8, as the shell's piped standard input. */
    static CliRun withInput(String input, String... args) {
        return withInput(input.getBytes(StandardCharsets.UTF_8), args);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
}
