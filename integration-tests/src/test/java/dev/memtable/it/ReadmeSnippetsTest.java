package dev.memtable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.it.Artifacts.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets of the top-level README compile against the built jars and run, so the quick
 * start never rots. A snippet that is a statement list is wrapped in a {@code main} method with
 * the api's imports; declarations ({@code class …}, {@code module …}) are left to the other
 * tests.
 */
class ReadmeSnippetsTest {

    private static final String IMPORTS = "import dev.memtable.*;\n"
            + "import dev.memtable.spi.*;\nimport java.nio.file.*;\nimport java.util.*;\n";

    /**
     * The snippet's module imports: the store's for a snippet that opens a {@code Store}, else
     * the set's (both packages have a {@code Snapshot}, as a user who imports one of them sees).
     */
    private static String moduleImports(String snippet) {
        return snippet.contains("Store.open") ? "import dev.memtable.store.*;\n"
                : "import dev.memtable.set.*;\n";
    }

    @TempDir
    Path work;

    private static List<String> statementSnippets() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("it.readme")));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            String code = m.group(1);
            if (!code.matches("(?s).*\\b(class|module|interface|record)\\s+\\w+.*")) {
                out.add(code);
            }
        }
        return out;
    }

    @Test
    void readme_statementSnippetsCompileAndRun() throws Exception {
        List<String> snippets = statementSnippets();
        assertTrue(snippets.size() >= 2, "expected the quick start snippets, found " + snippets.size());
        for (int i = 0; i < snippets.size(); i++) {
            Path src = Files.createDirectories(work.resolve("src" + i));
            Files.writeString(src.resolve("Snippet.java"), IMPORTS + moduleImports(snippets.get(i))
                    + "public class Snippet {\n    public static void main(String[] args) throws"
                    + " Exception {\n" + snippets.get(i) + "\n    }\n}\n");
            Path classes = Artifacts.compile(src, Files.createDirectories(work.resolve("out" + i)),
                    List.of("-cp", Artifacts.pathOf(List.of(Artifacts.of("api"), Artifacts.of("set"),
                            Artifacts.of("store")))));
            List<Path> cp = new ArrayList<>(Artifacts.library());
            cp.add(classes);
            Path cwd = Files.createDirectories(work.resolve("run" + i));
            Run run = Artifacts.java(List.of("-cp", Artifacts.pathOf(cp), "Snippet"), cwd);
            assertEquals(0, run.exitCode(), "README snippet " + (i + 1) + " failed:\n"
                    + snippets.get(i) + "\n---\n" + run.output());
        }
    }
}
