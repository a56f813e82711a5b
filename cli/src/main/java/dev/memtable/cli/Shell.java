package dev.memtable.cli;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.cli.ShellSyntax.Word;
import dev.memtable.set.MemTableSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The commands of {@code memtable shell}, one line at a time, over a {@link MemTableSet}. Every
 * command prints its answer before the next line is read, so a write is acknowledged (and, with the
 * shell's log policy, durable) when its {@code OK} appears.
 *
 * <p>Arguments follow {@link ShellSyntax}: text, {@code "quoted text"}, or hex as {@code 0x…};
 * values are printed by {@link ShellSyntax#show}. A line that fails (bad syntax, unknown command,
 * a write the store refused) prints one {@code error: …} line, is counted in {@link #failures()},
 * and the shell goes on. Not thread-safe.
 */
final class Shell {

    static final String HELP = String.join("\n",
            "Commands (keys and values: text, \"quoted text\", or hex as 0x6b6579):",
            "  put KEY VALUE      store VALUE under KEY",
            "  get KEY            print KEY's value, (deleted) or (not found)",
            "  delete KEY         delete KEY (writes a tombstone)",
            "  scan [FROM] [TO]   list live entries with FROM <= key < TO (either may be omitted;",
            "                     use - for an open end, e.g. scan - m; \"-\" is the key -)",
            "  freeze             freeze the mutable table now",
            "  resume             after a log failed, continue writing on a new log",
            "  stats              the last sequence; tables, ids, sizes",
            "  help               this text",
            "  quit               sync and leave (exit and Ctrl-D too)",
            "In quotes, \\\" is a quote and \\\\ a backslash. Input is UTF-8 text: write other"
                    + " bytes as hex.",
            "A failed line prints error: and the shell goes on; with piped input it exits with 1"
                    + " at the end if any line failed.");

    /** How many entries {@code scan} prints at most. */
    static final int SCAN_LIMIT = 1000;

    /** The most words a line can usefully have: a command and two arguments, and one too many. */
    static final int MAX_WORDS = 4;

    private final MemTableSet set;
    private final PrintWriter out;
    private final String describe;
    private long failures;

    /**
     * @param set the store; the shell never closes it
     * @param out where answers and {@code error:} lines go
     * @param describe the store in words, for {@code stats}
     */
    Shell(MemTableSet set, PrintWriter out, String describe) {
        this.set = set;
        this.out = out;
        this.describe = describe;
    }

    /**
     * Runs one line and prints its answer; returns false if the shell should end. A failed line
     * prints {@code error: …} (counted in {@link #failures()}) and returns true. An empty line or
     * one of only whitespace does nothing.
     *
     * @throws NullPointerException if {@code line} is null
     */
    boolean execute(String line) {
        try {
            List<Word> words = ShellSyntax.tokenize(line, MAX_WORDS);
            if (words.isEmpty()) {
                return true;
            }
            return run(words.get(0).text(), words.subList(1, words.size()));
        } catch (RuntimeException e) {
            refuse(Failures.describe(e));
            if (set.writesStopped()) {
                out.println("writes are stopped: fix the cause (disk space, say), then type resume"
                        + " to continue on a new log; reads still work");
            }
            return true;
        } finally {
            out.flush();
        }
    }

    /**
     * Prints {@code error: message} for a line the shell could not take, and counts it as failed.
     *
     * @throws NullPointerException if {@code message} is null
     */
    void refuse(String message) {
        out.println("error: " + java.util.Objects.requireNonNull(message, "message"));
        out.flush();
        failures++;
    }

    /** Returns how many lines failed so far. */
    long failures() {
        return failures;
    }

    private boolean run(String command, List<Word> args) {
        switch (command.toLowerCase(Locale.ROOT)) {
            case "put" -> {
                arity(args, 2, 2, "put KEY VALUE");
                Bytes value = ShellSyntax.parse(args.get(1));
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(
                            "an empty value is a delete; use delete KEY");
                }
                set.put(ShellSyntax.parse(args.get(0)), value);
                out.println("OK");
            }
            case "get" -> {
                arity(args, 1, 1, "get KEY");
                Optional<Bytes> v = set.get(ShellSyntax.parse(args.get(0)));
                out.println(v.isEmpty() ? "(not found)" : v.get().isEmpty() ? "(deleted)"
                        : ShellSyntax.show(v.get()));
            }
            case "delete", "del" -> {
                arity(args, 1, 1, "delete KEY");
                set.delete(ShellSyntax.parse(args.get(0)));
                out.println("OK");
            }
            case "scan" -> {
                arity(args, 0, 2, "scan [FROM] [TO]");
                scan(args);
            }
            case "freeze" -> {
                arity(args, 0, 0, "freeze");
                out.println(set.freeze() ? "OK: froze table " + set.immutables().get(0).id()
                        : "OK: nothing to freeze (the mutable table is empty)");
            }
            case "resume" -> {
                arity(args, 0, 0, "resume");
                out.println(set.resume() ? "OK: writes continue in table " + set.mutable().id()
                        : "OK: nothing to resume (writes were not stopped)");
            }
            case "stats" -> {
                arity(args, 0, 0, "stats");
                stats();
            }
            case "help", "?" -> out.println(HELP);
            case "quit", "exit" -> {
                return false;
            }
            default -> throw new IllegalArgumentException("unknown command "
                    + ShellSyntax.quote(command) + "; type help for the list");
        }
        return true;
    }

    private void scan(List<Word> args) {
        Bound lower = args.isEmpty() || openEnd(args.get(0)) ? Bound.unbounded()
                : Bound.included(ShellSyntax.parse(args.get(0)));
        Bound upper = args.size() < 2 || openEnd(args.get(1)) ? Bound.unbounded()
                : Bound.excluded(ShellSyntax.parse(args.get(1)));
        int n = 0;
        try (MemTableIterator it = set.scan(lower, upper)) {
            for (; it.isValid() && n < SCAN_LIMIT; it.next(), n++) {
                out.println(ShellSyntax.show(it.key()) + " = " + ShellSyntax.show(it.value()));
            }
            out.println(it.isValid() ? "(first " + SCAN_LIMIT + " entries; narrow the range)"
                    : "(" + n + (n == 1 ? " entry)" : " entries)"));
        }
    }

    private void stats() {
        out.println("store: " + describe);
        out.printf(Locale.ROOT, "last sequence: %,d%n", set.lastSequence());
        MemTable m = set.mutable();
        out.printf(Locale.ROOT, "mutable: table %d, %,d bytes written%s%n", m.id(),
                m.approximateSize(), m.isEmpty() ? " (empty)" : "");
        List<MemTable> frozen = set.immutables();
        out.println("immutable: " + frozen.size() + (frozen.isEmpty() ? "" : " (newest first)"));
        for (MemTable t : frozen) {
            out.printf(Locale.ROOT, "  table %d, %,d bytes written%n", t.id(),
                    t.approximateSize());
        }
    }

    /** Flushes the log so every write so far is durable. */
    void sync() throws IOException {
        set.sync();
    }

    private static void arity(List<Word> args, int min, int max, String usage) {
        if (args.size() < min || args.size() > max) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /** Whether {@code word} is an unquoted {@code -}: an open end of a scan. */
    private static boolean openEnd(Word word) {
        return !word.quoted() && word.text().equals("-");
    }
}
