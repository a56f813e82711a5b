package dev.memtable.cli;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.cli.ShellSyntax.Word;
import dev.memtable.store.BlockCacheStats;
import dev.memtable.store.Store;
import dev.memtable.store.StoreStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The commands of {@code memtable shell}, one line at a time, over a {@link Store}. Every command
 * prints its answer before the next line is read, so a write is acknowledged (and, with the
 * shell's log policy, durable) when its {@code OK} appears. The store flushes its memtables to
 * sorted runs in the background as they fill; {@code flush} and {@code compact} do it now.
 *
 * <p>Arguments follow {@link ShellSyntax}: text, {@code "quoted text"}, or hex as {@code 0x…};
 * values are printed by {@link ShellSyntax#show}. A line that fails (bad syntax, unknown command,
 * a write the store refused, an I/O error in a flush or a merge) prints one {@code error: …}
 * line, is counted in {@link #failures()}, and the shell goes on. Not thread-safe.
 */
final class Shell {

    static final String HELP = String.join("\n",
            "Commands (keys and values: text, \"quoted text\", or hex as 0x6b6579):",
            "  put KEY VALUE      store VALUE under KEY",
            "  get KEY            print KEY's value, or (not found) if it is absent or deleted",
            "  delete KEY         delete KEY (writes a tombstone)",
            "  scan [FROM] [TO]   list live entries with FROM <= key < TO (either may be omitted;",
            "                     use - for an open end, e.g. scan - m; \"-\" is the key -)",
            "  flush              write the memtables to sorted runs now (freeze is the same);",
            "                     the store also does it by itself as they fill",
            "  compact            merge every run into one",
            "  stats              sequence, memtables, runs, flushes, merges, block cache",
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

    private final Store store;
    private final PrintWriter out;
    private final String describe;
    private long failures;

    /**
     * @param store the store; the shell never closes it
     * @param out where answers and {@code error:} lines go
     * @param describe the store in words, for {@code stats}
     */
    Shell(Store store, PrintWriter out, String describe) {
        this.store = Objects.requireNonNull(store, "store");
        this.out = Objects.requireNonNull(out, "out");
        this.describe = Objects.requireNonNull(describe, "describe");
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
        } catch (IOException | UncheckedIOException e) {
            refuse(Failures.describe(e));
            out.println("the store hit an I/O error: fix the cause (disk space, say) and try"
                    + " again; if writes keep failing, quit and start the shell again on the"
                    + " same directory (what was acknowledged is kept); reads still work");
            return true;
        } catch (RuntimeException e) {
            refuse(Failures.describe(e));
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
        out.println("error: " + Objects.requireNonNull(message, "message"));
        out.flush();
        failures++;
    }

    /** Returns how many lines failed so far. */
    long failures() {
        return failures;
    }

    private boolean run(String command, List<Word> args) throws IOException {
        switch (command.toLowerCase(Locale.ROOT)) {
            case "put" -> {
                arity(args, 2, 2, "put KEY VALUE");
                Bytes value = ShellSyntax.parse(args.get(1));
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(
                            "an empty value is a delete; use delete KEY");
                }
                store.put(ShellSyntax.parse(args.get(0)), value);
                out.println("OK");
            }
            case "get" -> {
                arity(args, 1, 1, "get KEY");
                // The store answers empty for a deleted key as for one never written: once runs
                // are merged a tombstone is gone, so the shell does not tell them apart.
                Optional<Bytes> v = store.get(ShellSyntax.parse(args.get(0)));
                out.println(v.isEmpty() ? "(not found)" : ShellSyntax.show(v.get()));
            }
            case "delete", "del" -> {
                arity(args, 1, 1, "delete KEY");
                store.delete(ShellSyntax.parse(args.get(0)));
                out.println("OK");
            }
            case "scan" -> {
                arity(args, 0, 2, "scan [FROM] [TO]");
                scan(args);
            }
            case "flush", "freeze" -> {
                arity(args, 0, 0, command.toLowerCase(Locale.ROOT));
                flush();
            }
            case "compact" -> {
                arity(args, 0, 0, "compact");
                compact();
            }
            case "stats" -> {
                arity(args, 0, 0, "stats");
                stats();
            }
            case "resume" -> throw new IllegalArgumentException("resume is gone: the store"
                    + " cannot continue on a new log; after a write failed, fix the cause, then"
                    + " quit and start the shell again on the same directory (what was"
                    + " acknowledged is kept)");
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
        try (MemTableIterator it = store.scan(lower, upper)) {
            for (; it.isValid() && n < SCAN_LIMIT; it.next(), n++) {
                out.println(ShellSyntax.show(it.key()) + " = " + ShellSyntax.show(it.value()));
            }
            out.println(it.isValid() ? "(first " + SCAN_LIMIT + " entries; narrow the range)"
                    : "(" + n + (n == 1 ? " entry)" : " entries)"));
        }
    }

    /**
     * Writes the memtables to runs and shows the runs after. Only the state after is shown, not
     * how many memtables this call wrote: the background flush may have written some of them
     * meanwhile, and the answer should not depend on its timing.
     */
    private void flush() throws IOException {
        if (store.stats().memtableBytes() == 0) {
            out.println("OK: nothing to flush (the memtables are empty)");
            return;
        }
        store.flush();
        StoreStats after = store.stats();
        out.printf(Locale.ROOT, "OK: flushed; runs: %d, %,d bytes, %,d entries%n", after.runs(),
                after.runBytes(), after.runEntries());
    }

    /** Merges every run into one and says what that did. */
    private void compact() throws IOException {
        StoreStats before = store.stats();
        int runs = store.compact();
        if (runs <= 1) {
            out.println("OK: nothing to compact (" + (runs == 0 ? "no runs" : "one run")
                    + "; flush writes the memtables to runs)");
            return;
        }
        StoreStats after = store.stats();
        out.printf(Locale.ROOT, "OK: runs %d -> %d; entries %,d -> %,d; bytes %,d -> %,d%n",
                runs, after.runs(), before.runEntries(), after.runEntries(), before.runBytes(),
                after.runBytes());
    }

    private void stats() {
        StoreStats s = store.stats();
        out.println("store: " + describe);
        out.printf(Locale.ROOT, "last sequence: %,d%n", s.lastSequence());
        out.printf(Locale.ROOT, "memtables: %d, %,d bytes%n", s.memtables(), s.memtableBytes());
        out.printf(Locale.ROOT, "runs: %d, %,d bytes, %,d entries%n", s.runs(), s.runBytes(),
                s.runEntries());
        out.printf(Locale.ROOT, "flushes: %,d, compactions: %,d (since the shell started)%n",
                s.flushes(), s.compactions());
        BlockCacheStats c = s.cache();
        if (c.capacityBytes() == 0) {
            out.printf(Locale.ROOT, "block cache: off (%,d block reads)%n", c.misses());
        } else {
            out.printf(Locale.ROOT, "block cache: %,d hits, %,d misses, hit rate %.1f %%,"
                            + " %,d of %,d bytes used%n", c.hits(), c.misses(),
                    100 * c.hitRate(), c.weightBytes(), c.capacityBytes());
        }
    }

    /** Makes every write so far durable. */
    void sync() throws IOException {
        store.sync();
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
