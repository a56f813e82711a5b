package dev.memtable.cli;

import dev.memtable.set.MemTableSet;
import dev.memtable.MemTables;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.MemTableProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
 * {@code memtable shell}: a key-value shell on a {@link MemTableSet} whose write-ahead logs live in
 * a directory. Every write is synced before its {@code OK} is printed
 * ({@link SyncPolicy#EVERY_WRITE}), so a shell killed at any moment loses nothing it acknowledged.
 * Interactive on a terminal (JLine: history, line editing); reads standard input line by line
 * otherwise.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"A persistent key-value shell. Type help inside it for the commands.",
                "Every acknowledged write survives a kill: start it again on the same directory."})
final class ShellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "memtable-data",
            description = "Directory of the write-ahead logs (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend (default: the default backend, usually skiplist).")
    String backend;

    @Option(names = "--freeze-at", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Freeze the mutable table at this many bytes written"
                    + " (default: ${DEFAULT-VALUE}).")
    long freezeAt;

    @Override
    public Integer call() throws Exception {
        MemTableProvider provider;
        try {
            provider = backend == null ? MemTables.defaultProvider() : MemTables.provider(backend);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (freezeAt < 1) {
            throw new UsageException("--freeze-at must be positive, not " + freezeAt);
        }
        openDirectory();
        PrintWriter out = spec.commandLine().getOut();
        try (MemTableSet set = MemTableSet.builder().backend(provider).freezeAtBytes(freezeAt)
                .walDirectory(dir)
                .walOptions(WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE))
                .build()) {
            String describe = provider.name() + " backend, logs in " + dir.toAbsolutePath();
            Shell shell = new Shell(set, out, describe);
            if (System.console() != null) {
                interactive(shell, describe);
            } else {
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!shell.execute(line)) {
                        break;
                    }
                }
            }
            shell.sync();
        }
        return Main.OK;
    }

    private void interactive(Shell shell, String describe) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .appName("memtable")
                    .variable(LineReader.HISTORY_FILE,
                            Path.of(System.getProperty("user.home"), ".memtable_history"))
                    .build();
            out.println("memtable shell: " + describe + ". Type help for the commands.");
            out.flush();
            while (true) {
                String line;
                try {
                    line = reader.readLine("memtable> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (!shell.execute(line)) {
                    break;
                }
            }
        }
    }

    /** Creates the directory if needed and checks it can be used, naming it if not. */
    private void openDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new IllegalStateException("cannot use directory " + dir.toAbsolutePath() + ": "
                    + (e instanceof AccessDeniedException ? "permission denied"
                    : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use directory " + dir.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new IllegalStateException("cannot use directory " + dir.toAbsolutePath()
                    + ": it must be readable and writable");
        }
    }
}
