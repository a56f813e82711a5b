package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell session captured in README.md and checks that the shell still prints exactly
 * what the README shows, exit codes included.
 */
class ReadmeShellTest {

    private static final String DEMO_DIR = "/tmp/demo";
    private static final String SHELL = " | ./memtable shell --dir " + DEMO_DIR;

    @TempDir
    Path tmp;

    /** The README's text block that follows the shell's description, continuation lines joined. */
    private static List<String> session() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("README.md"))
                && Files.isDirectory(dir.resolve("cli")))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "README.md not found above " + Path.of("").toAbsolutePath());
        String readme = Files.readString(dir.resolve("README.md"));
        int at = readme.indexOf("`./memtable shell [--dir DIR]");
        assertTrue(at >= 0, "the README no longer describes the shell");
        int start = readme.indexOf("```text\n", at) + "```text\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        return List.of(block.replace("\\\n    ", "").split("\n"));
    }

    @Test
    void readme_shellSession_isWhatTheShellPrints() throws IOException {
        List<String> lines = session();
        int commands = 0;
        CliRun last = null;
        for (int i = 0; i < lines.size(); ) {
            String command = lines.get(i++);
            assertTrue(command.startsWith("$ "), "expected a command at: " + command);
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
                expected.add(lines.get(i++).replace(DEMO_DIR, tmp.toString()));
            }
            if (command.equals("$ echo $?")) {
                assertTrue(last != null, "echo $? before any command");
                assertEquals(List.of(String.valueOf(last.exitCode())), expected, last.toString());
                continue;
            }
            int pipe = command.indexOf("'" + SHELL);
            assertTrue(command.startsWith("$ printf '") && pipe > 0,
                    "unexpected command in the README: " + command);
            String format = command.substring("$ printf '".length(), pipe);
            String input = format.replace("\\n", "\n");
            assertFalse(input.contains("\\") || input.contains("%"),
                    "printf escapes other than \\n are not simulated: " + command);
            List<String> args = new ArrayList<>(List.of("shell", "--dir", tmp.toString()));
            String options = command.substring(pipe + 1 + SHELL.length()).trim();
            if (!options.isEmpty()) {
                args.addAll(List.of(options.split(" +")));
            }
            last = CliRun.withInput(input, args.toArray(new String[0]));
            assertEquals(expected, last.out().lines().toList(), command + "\n" + last);
            commands++;
        }
        assertEquals(2, commands, "the README's session has two shell runs");
    }
}
