package dev.memtable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** The library's built artifacts, and compiling and running small programs against them. */
final class Artifacts {
    /**
     * The library modules in the order a user lists them, and the third-party jars they need at
     * run time: fastutil, which the set requires (its sorted multiset of open snapshots), and
     * Caffeine, the store's block cache.
     */
    static final List<String> LIBRARY = List.of("api", "skiplist", "treemap", "arena", "wal",
            "set", "store", "fastutil", "caffeine");

    private Artifacts() {
    }

    /** The file (jar, or classes directory outside a packaging build) of one library module. */
    static Path of(String name) {
        String value = System.getProperty("it.jar." + name);
        assertTrue(value != null && !value.isBlank() && !value.startsWith("${"),
                "system property it.jar." + name + " is not set; run through Maven");
        Path path = Path.of(value);
        assertTrue(Files.exists(path), path + " does not exist");
        return path;
    }

    static List<Path> library() {
        return LIBRARY.stream().map(Artifacts::of).collect(Collectors.toList());
    }

    static Path apps() {
        return Path.of(System.getProperty("it.apps"));
    }

    static String pathOf(List<Path> paths) {
        return paths.stream().map(Path::toString)
                .collect(Collectors.joining(System.getProperty("path.separator")));
    }

    /** Compiles every .java file under {@code sources} into {@code out}; copies META-INF. */
    static Path compile(Path sources, Path out, List<String> options) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--release", "17", "-d", out.toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, rc, "javac failed for " + sources);
        Path meta = sources.resolve("META-INF");
        if (Files.isDirectory(meta)) {
            try (Stream<Path> files = Files.walk(meta)) {
                files.filter(Files::isRegularFile).forEach(f -> {
                    Path target = out.resolve(sources.relativize(f));
                    try {
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return out;
    }

    /** The result of running a program. */
    record Run(int exitCode, String output) {
        List<String> lines() {
            return output.lines().collect(Collectors.toList());
        }
    }

    /** Runs {@code java} with {@code args} (no inherited class path), within a minute. */
    static Run java(List<String> args) throws IOException, InterruptedException {
        return java(args, null);
    }

    /** Runs {@code java} with {@code args} in {@code workingDirectory} (null: this one). */
    static Run java(List<String> args, Path workingDirectory)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "program did not finish: " + command);
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
