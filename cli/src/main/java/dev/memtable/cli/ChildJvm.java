package dev.memtable.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a measurement in a fresh JVM, as JMH's forks do: one contender's warm-up, JIT profile and
 * garbage never touch another's figures. The child runs on the same module path and class path
 * as this JVM (so it finds the same backends), with the JVM options the caller gives.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Returns the command that runs {@code mainClass} with {@code args} in a new JVM with
     * {@code jvmOptions}: as a module ({@code -m}) when {@code mainClass} is in a named module,
     * otherwise from the class path.
     */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass,
                                       List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String classPath = System.getProperty("java.class.path", "");
        Module module = mainClass.getModule();
        String modulePath = System.getProperty("jdk.module.path");
        if (module.isNamed() && modulePath != null && !modulePath.isEmpty()) {
            command.add("--module-path");
            command.add(modulePath);
            if (!classPath.isEmpty()) {
                command.add("-cp");
                command.add(classPath);
            }
            command.add("-m");
            command.add(module.getName() + "/" + mainClass.getName());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass.getName());
        }
        command.addAll(args);
        return command;
    }

    /** Splits a string of JVM options at white space (options with spaces are not supported). */
    public static List<String> options(String jvmOptions) {
        List<String> options = new ArrayList<>();
        for (String o : jvmOptions.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                options.add(o);
            }
        }
        return options;
    }

    /**
     * Runs {@code command}, handing every line the child prints (standard output and error,
     * merged) to {@code lines} as it comes, and returns the child's exit code.
     *
     * @throws IOException if the child cannot be started
     * @throws InterruptedException if this thread is interrupted while waiting (the child is
     *     destroyed)
     */
    public static int run(List<String> command, Consumer<String> lines)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.accept(line);
                }
            }
            return p.waitFor();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
