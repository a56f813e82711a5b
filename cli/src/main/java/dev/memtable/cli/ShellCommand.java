package dev.memtable.cli;

import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.store.Store;
import dev.memtable.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memtable shell}: a key-value shell on a {@link Store} in a directory. Every write is
 * synced to the store's log before its {@code OK} is printed ({@link SyncPolicy#EVERY_WRITE}), so
 * a shell killed at any moment loses nothing it acknowledged; the store flushes full memtables to
 * sorted runs in the background, so the logs do not pile up. A directory of the old shell (logs
 * at its top) is migrated first ({@link StoreDirectory}). Interactive on a terminal (JLine:
 * history, line editing); otherwise it reads its input with {@link InputLines} and exits with
 * {@link Main#PROBLEM} if any line failed.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"A persistent key-value shell on a store: memtables with a write-ahead log,"
                + " flushed to sorted runs as they fill. Type help inside it for the commands.",
                "Every acknowledged write survives a kill: start it again on the same directory.",
                "With piped input the shell goes on after a failed line and exits with 1 at the"
                        + " end if any line failed (0 otherwise); input must be UTF-8 text, other"
                        + " bytes are written as hex (0x...)."})
final class ShellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "memtable-data",
            description = "Directory of the store (default: ./${DEFAULT-VALUE}). A directory of"
                    + " the old shell, with its logs at the top, is moved into the store's"
                    + " layout (DIR/wal/).")
    Path dir;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Memtable backend (default: the default backend, usually skiplist).")
    String backend;

    @Option(names = "--freeze-at", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Freeze the memtable at this many bytes written and flush it to a run"
                    + " in the background (default: ${DEFAULT-VALUE}).")
    long freezeAt;

    @Option(names = "--block-cache", paramLabel = "BYTES", defaultValue = "67108864",
            description = "Bytes of run blocks kept in memory; 0 turns the cache off"
                    + " (default: ${DEFAULT-VALUE}).")
    long blockCache;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "8",
            description = "A flush that leaves N runs merges them into one (default:"
                    + " ${DEFAULT-VALUE}; at least 2).")
    int maxRuns;

    @Option(names = "--recovery", paramLabel = "MODE", defaultValue = "tolerate",
            description = "How to read damaged logs at start: tolerate (default) drops a torn"
                    + " tail and refuses damage followed by valid records; strict refuses any"
                    + " damage; salvage skips every damaged region, losing the writes in it,"
                    + " keeps every intact record and writes them to the store's runs (the"
                    + " damaged log is kept as DIR/NAME.wal.damaged).")
    WalCommand.Mode recovery;

    /** Piped input; {@link Main} sets it (tests give their own). */
    InputStream input = System.in;

    /**
     * The store's loggers (its background flush warns there), held so that the configuration
     * below is not lost to garbage collection.
     */
    private static final Logger STORE_LOG = Logger.getLogger("dev.memtable.store");

    /**
     * Sends what the store logs (a background flush that failed and will be retried, say) to
     * {@code err} as one {@code memtable: warning: …} line each, without a stack trace.
     */
    static void logTo(PrintWriter err) {
        for (Handler h : STORE_LOG.getHandlers()) {
            STORE_LOG.removeHandler(h);
        }
        STORE_LOG.setUseParentHandlers(false);
        STORE_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    String text = r.getThrown() == null ? r.getMessage()
                            : Failures.describe(r.getMessage(), r.getThrown());
                    err.println("memtable: " + (r.getLevel().intValue() >= Level.WARNING
                            .intValue() ? "warning: " : "") + text);
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public Integer call() throws Exception {
        MemTableProvider provider;
        try {
            provider = backend == null ? MemTables.defaultProvider() : MemTables.provider(backend);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        StoreOptions options;
        try {
            options = StoreOptions.defaults().withBackend(provider.name())
                    .withFreezeAtBytes(freezeAt).withBlockCacheBytes(blockCache)
                    .withMaxRuns(maxRuns).withSyncPolicy(SyncPolicy.EVERY_WRITE);
        } catch (IllegalArgumentException e) {
            throw new UsageException(optionError(e));
        }
        checkDirectoryOption();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<Path> damaged = new LinkedHashSet<>();
        options = options.withRecoveryMode(recovery.mode).withCorruptionListener(c -> {
            warn(err, c);
            if (damaged.add(c.file())) {
                keepDamaged(err, c.file()); // now: once the store opens, a flush may delete it
            }
        });
        openDirectory();
        logTo(err);
        Store opened;
        try {
            int moved = StoreDirectory.prepare(dir);
            if (moved > 0) {
                err.printf(Locale.ROOT, "memtable: moved %d %s of the old shell into %s (the"
                        + " store's layout)%n", moved, moved == 1 ? "log" : "logs",
                        dir.resolve(StoreDirectory.WAL).toAbsolutePath());
                err.flush();
            }
            opened = Store.open(dir, options);
            if (!damaged.isEmpty()) {
                // Write what recovery kept to runs, which deletes the damaged logs (kept as
                // evidence above): the next start needs no --recovery.
                opened.flush();
            }
        } catch (WalCorruptionException e) {
            err.println("memtable: " + corruptionAdvice(e));
            return Main.PROBLEM;
        } catch (IOException e) {
            err.println("memtable: " + Failures.describe("cannot open the store in "
                    + dir.toAbsolutePath(), e));
            return Main.PROBLEM;
        }
        try (Store store = opened) {
            String describe = provider.name() + " backend, in " + dir.toAbsolutePath();
            Shell shell = new Shell(store, out, describe);
            boolean onTerminal = System.console() != null;
            if (onTerminal) {
                try (Terminal terminal = TerminalBuilder.builder().system(true)
                        .encoding(StandardCharsets.UTF_8).build()) {
                    out.println("memtable shell: " + describe + ". Type help for the commands.");
                    out.flush();
                    interactive(terminal, shell,
                            Path.of(System.getProperty("user.home"), ".memtable_history"));
                }
            } else {
                piped(new InputLines(input), shell);
            }
            shell.sync();
            return !onTerminal && shell.failures() > 0 ? Main.PROBLEM : Main.OK;
        }
    }

    /** The option a rejected {@link StoreOptions} setting came from, and why. */
    private String optionError(IllegalArgumentException e) {
        String m = e.getMessage();
        String option = m.startsWith("freezeAtBytes") ? "--freeze-at"
                : m.startsWith("blockCacheBytes") ? "--block-cache"
                : m.startsWith("maxRuns") ? "--max-runs" : "an option";
        long given = option.equals("--freeze-at") ? freezeAt
                : option.equals("--block-cache") ? blockCache : maxRuns;
        String rule = option.equals("--freeze-at") ? "must be positive"
                : option.equals("--block-cache") ? "must not be negative (0 turns it off)"
                : option.equals("--max-runs") ? "must be at least 2" : m;
        return option + " " + rule + ", not " + given;
    }

    /** Runs the lines of piped input until its end or {@code quit}. */
    static void piped(InputLines lines, Shell shell) throws IOException {
        while (true) {
            String line;
            try {
                line = lines.next();
            } catch (InputLines.BadLine e) {
                shell.refuse(e.getMessage());
                continue;
            }
            if (line == null || !shell.execute(line)) {
                return;
            }
        }
    }

    /**
     * Runs the lines typed on {@code terminal} until end of input or {@code quit}; Ctrl-C drops
     * the line being typed. Each line is checked by {@link InputLines#checkDecoded}.
     *
     * @param history the history file, or null for none
     */
    static void interactive(Terminal terminal, Shell shell, Path history) {
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal)
                .appName("memtable");
        if (history != null) {
            builder.variable(LineReader.HISTORY_FILE, history);
        }
        LineReader reader = builder.build();
        for (long number = 1; ; number++) {
            String line;
            try {
                line = InputLines.checkDecoded(reader.readLine("memtable> "), number);
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                return;
            } catch (InputLines.BadLine e) {
                shell.refuse(e.getMessage());
                continue;
            }
            if (!shell.execute(line)) {
                return;
            }
        }
    }

    /** Refuses a {@code --dir} that names no directory one can create or use. */
    private void checkDirectoryOption() {
        if (dir.toString().isEmpty()) {
            throw new UsageException("--dir is empty; name a directory (--dir . for the current"
                    + " one)");
        }
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) {
            String target;
            try {
                target = Files.readSymbolicLink(dir).toString();
            } catch (IOException e) {
                target = "a path";
            }
            throw new UsageException("--dir " + dir + " is a symbolic link to " + target
                    + ", which does not exist");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--dir " + dir + " is "
                    + (Files.isRegularFile(dir) ? "a file" : "not a directory")
                    + "; name a directory, or a new one to create");
        }
    }

    /** Creates the directory if needed and checks it can be used, naming it if not. */
    private void openDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(Failures.describe("cannot use directory "
                    + dir.toAbsolutePath(), e), e);
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new IllegalStateException("cannot use directory " + dir.toAbsolutePath()
                    + ": it must be readable and writable");
        }
    }

    /** What went wrong with a damaged log, and the next steps. */
    private String corruptionAdvice(WalCorruptionException e) {
        WalCorruption c = e.corruption();
        String file = c.file().toString();
        return String.format(Locale.ROOT, "cannot open the store in %s: the write-ahead log %s is"
                        + " damaged at offset %d (%d bytes): %s (recovery mode %s).%n"
                        + "  See the damage: memtable wal verify %s (memtable wal dump %s lists"
                        + " every record).%n"
                        + "  Open the store anyway: memtable shell --dir %s --recovery salvage%s."
                        + " Salvage drops every damaged region, and the writes in it are lost; it"
                        + " keeps every intact record, and may bring back an older value of a key"
                        + " whose newer write was in the damage. It writes the intact records to"
                        + " the store's runs and keeps the damaged log as %s, so later starts"
                        + " need no --recovery.",
                dir.toAbsolutePath(), file, c.offset(), c.length(), c.reason(), recovery, file,
                file, dir, recovery.mode == RecoveryMode.STRICT
                        ? " (or without --recovery strict, if only a torn tail is damaged)" : "",
                dir.resolve(c.file().getFileName() + ".damaged"));
    }

    /** Copies a damaged log to {@code DIR/NAME.damaged} as evidence; warns if it cannot. */
    private void keepDamaged(PrintWriter err, Path log) {
        Path copy = dir.resolve(log.getFileName() + ".damaged");
        try {
            Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            err.println("memtable: warning: could not keep a copy of the damaged log " + log
                    + " as " + copy + ": " + e);
        }
        err.flush();
    }

    /** Tells the user of damage that recovery dropped or skipped. */
    private void warn(PrintWriter err, WalCorruption c) {
        err.printf(Locale.ROOT, "memtable: warning: %s %d bytes at offset %d of %s: %s%n",
                recovery.mode == RecoveryMode.SALVAGE ? "salvage skipped"
                        : "dropped a torn tail of",
                c.length(), c.offset(), c.file(), c.reason());
        err.flush();
    }
}
