package dev.memtable.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code memtable} command.
 *
 * <p>Exit codes: {@value #OK} success; {@value #PROBLEM} the command ran and found or hit a
 * problem (a corrupt WAL, an I/O error, a failed write); {@value #USAGE} bad usage (unknown
 * option or backend, malformed argument) — usage is printed.
 */
@Command(name = "memtable", mixinStandardHelpOptions = true, version = "memtable 0.1.0-SNAPSHOT",
        description = "Memtables for JVM storage engines: benchmark the backends, keep data in a"
                + " persistent shell, inspect write-ahead logs.",
        subcommands = {BenchCommand.class, ShellCommand.class, WalCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 a problem was found or an operation failed,"
                + " 2 bad usage."})
public final class Main implements Runnable {

    /** Success. */
    public static final int OK = 0;
    /** The command ran and found or hit a problem. */
    public static final int PROBLEM = 1;
    /** Bad usage. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
    }

    /** Builds the command line with the project's error handling; the shell reads {@code in}. */
    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        ShellCommand shell = cl.getSubcommands().get("shell").getCommand();
        shell.input = in;
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException) {
                commandLine.getErr().println("memtable: " + e.getMessage());
                commandLine.usage(commandLine.getErr());
                return USAGE;
            }
            commandLine.getErr().println("memtable: " + Failures.describe(e));
            return PROBLEM;
        });
        return cl;
    }

    /**
     * Runs the command with {@code args}, the shell reading standard input, and returns the exit
     * code.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, System.in, out, err);
    }

    /** Runs the command with {@code args}, the shell reading {@code in}; returns the exit code. */
    static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        return commandLine(in, out, err).execute(args);
    }

    /** Entry point. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }
}
