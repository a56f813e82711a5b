package dev.memtable.cli;

import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WriteBatch;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memtable wal}: look inside a write-ahead log, read-only, as recovery in a given mode
 * would read it.
 */
@Command(name = "wal", mixinStandardHelpOptions = true,
        description = "Write-ahead log tools (read-only: they never change the file).",
        subcommands = {WalCommand.Dump.class, WalCommand.Verify.class})
final class WalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a wal command: dump or verify.");
    }

    /** The recovery mode by its short name. */
    enum Mode {
        tolerate(RecoveryMode.TOLERATE_TORN_TAIL), strict(RecoveryMode.STRICT),
        salvage(RecoveryMode.SALVAGE);

        final RecoveryMode mode;

        Mode(RecoveryMode mode) {
            this.mode = mode;
        }
    }

    /**
     * What inspecting found; when printing, one line per record
     * ({@code offset O: record of L bytes, seq=S, N entries, checksum ok}) followed by its entries,
     * and one line per damaged region.
     */
    private static final class Findings implements WalInspector, WalVerifier {
        final PrintWriter out;
        final boolean print;
        long records;
        long entries;
        final List<WalCorruption> damage = new ArrayList<>();

        Findings(PrintWriter out, boolean print) {
            this.out = out;
            this.print = print;
        }

        /** Counts the record and, when printing, shows it with its sequence and entries. */
        @Override
        public void record(long offset, long length, long sequence, WriteBatch batch) {
            records++;
            entries += batch.size();
            if (print) {
                out.printf(Locale.ROOT, "offset %d: record of %d bytes, seq=%d, %d %s, checksum ok%n",
                        offset, length, sequence, batch.size(),
                        batch.size() == 1 ? "entry" : "entries");
                for (WriteBatch.Entry e : batch.entries()) {
                    out.println(e.isDelete() ? "  delete " + ShellSyntax.show(e.key())
                            : "  put " + ShellSyntax.show(e.key()) + " " + ShellSyntax.show(e.value()));
                }
            }
        }

        /** Counts the record (verify: checked, not decoded). */
        @Override
        public void record(long offset, long length, long sequence, int entryCount) {
            records++;
            entries += entryCount;
        }

        @Override
        public void damage(WalCorruption c) {
            damage.add(c);
            if (print) {
                out.printf(Locale.ROOT, "offset %d: DAMAGE, %d bytes: %s%n", c.offset(), c.length(),
                        c.reason());
            }
        }
    }

    /**
     * Inspects {@code file} (every record decoded, for printing) or, if not {@code decode}, only
     * verifies it (every record checked as recovery checks it, none decoded); a corruption the
     * mode refuses is returned, not thrown.
     */
    private static WalCorruptionException inspect(Path file, Mode mode, Findings findings,
                                                  long[] end, boolean decode) {
        checkFile(file);
        try {
            end[0] = decode ? MemTables.walProvider().inspect(file, mode.mode, findings)
                    : MemTables.walProvider().verify(file, mode.mode, findings);
            return null;
        } catch (WalCorruptionException e) {
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Fails, naming the path, unless {@code file} is an existing regular file. */
    private static void checkFile(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalStateException("no such file: " + file.toAbsolutePath());
        }
        if (Files.isDirectory(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is a directory, not a log");
        }
    }

    /** {@code memtable wal dump FILE}. */
    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = {"Prints every record of a log with its offset, length, sequence"
                    + " (seq=), checksum status and entries, and every damaged region, as recovery"
                    + " in MODE reads it.",
                    "Exit code 0 if the log is clean, 1 if any damage was found."})
    static final class Dump implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The log file.")
        Path file;

        @Option(names = "--mode", defaultValue = "salvage",
                description = "Recovery mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE},"
                        + " which shows everything intact around any damage).")
        Mode mode;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            checkFile(file);
            out.println("log " + file + " (" + Files.size(file) + " bytes), read as recovery"
                    + " mode " + mode + " would");
            Findings findings = new Findings(out, true);
            long[] end = {-1};
            WalCorruptionException refused = inspect(file, mode, findings, end, true);
            if (refused != null) {
                WalCorruption c = refused.corruption();
                out.printf(Locale.ROOT, "offset %d: DAMAGE, %d bytes: %s -- recovery in mode %s"
                        + " stops here and fails%n", c.offset(), c.length(), c.reason(), mode);
            }
            out.printf(Locale.ROOT, "%d records, %d entries, %d damaged region(s)%s%n",
                    findings.records, findings.entries,
                    findings.damage.size() + (refused != null ? 1 : 0),
                    end[0] >= 0 ? "; the intact log ends at offset " + end[0] : "");
            out.flush();
            return findings.damage.isEmpty() && refused == null ? Main.OK : Main.PROBLEM;
        }
    }

    /** {@code memtable wal verify FILE}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks a log the way recovery in MODE would.",
                    "Exit code 0 if recovery in MODE succeeds (what it would drop or skip is"
                            + " listed), 1 with the offset and reason of the first problem if it"
                            + " would fail. --mode strict turns any imperfection into a failure."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The log file.")
        Path file;

        @Option(names = "--mode", defaultValue = "tolerate",
                description = "Recovery mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE},"
                        + " as recovery does by default).")
        Mode mode;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Findings findings = new Findings(out, false);
            long[] end = {-1};
            WalCorruptionException refused = inspect(file, mode, findings, end, false);
            for (WalCorruption c : findings.damage) {
                out.printf(Locale.ROOT, "warning: offset %d, %d bytes: %s%n", c.offset(),
                        c.length(), c.reason());
            }
            if (refused != null) {
                WalCorruption c = refused.corruption();
                out.printf(Locale.ROOT, "CORRUPT: %s at offset %d: %s (mode %s)%n", file,
                        c.offset(), c.reason(), mode);
                out.flush();
                return Main.PROBLEM;
            }
            out.printf(Locale.ROOT, "OK: %s, %d records, %d entries, intact up to offset %d%s%n",
                    file, findings.records, findings.entries, end[0],
                    findings.damage.isEmpty() ? "" : " (recovery in mode " + mode + " would drop"
                            + " or skip the damage above)");
            out.flush();
            return Main.OK;
        }
    }
}
