package dev.memtable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.it.Artifacts.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small application module that {@code requires dev.memtable.api} finds both backends through
 * {@link java.util.ServiceLoader} when run with {@code java --module-path} (jars only, no class
 * path), and the same application does so on the plain class path. Broken configurations give the
 * documented messages through the real {@code ServiceLoader}.
 */
class ConsumerAppTest {

    private static final String MAIN = "dev.memtable.it.app.Main";

    @TempDir
    static Path work;
    private static Path app;

    @BeforeAll
    static void compileApp() throws Exception {
        app = Artifacts.compile(Artifacts.apps().resolve("consumer"),
                Files.createDirectories(work.resolve("app")),
                List.of("--module-path", Artifacts.of("api").toString()));
    }

    private static List<String> modulePathRun(Path walDir) {
        List<Path> mp = new ArrayList<>(Artifacts.library());
        mp.add(app);
        List<String> args = new ArrayList<>(List.of("--module-path", Artifacts.pathOf(mp),
                "-m", "dev.memtable.it.app/" + MAIN));
        if (walDir != null) {
            args.addAll(List.of("--wal", walDir.toString()));
        }
        return args;
    }

    private static List<String> classPathRun(List<Path> extra, String... appArgs) {
        List<Path> cp = new ArrayList<>(Artifacts.library());
        cp.addAll(extra);
        cp.add(app);
        List<String> args = new ArrayList<>(List.of("-cp", Artifacts.pathOf(cp), MAIN));
        args.addAll(List.of(appArgs));
        return args;
    }

    @Test
    void modulePath_findsEveryBackendAsNamedModules() throws Exception {
        Path walDir = Files.createDirectories(work.resolve("wal-mp"));
        Run run = Artifacts.java(modulePathRun(walDir));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.lines().contains("default=skiplist"), run.output());
        assertBackend(run, "skiplist", "dev.memtable.skiplist");
        assertBackend(run, "treemap", "dev.memtable.treemap");
        assertBackend(run, "arena", "dev.memtable.arena");
    }

    @Test
    void classPath_findsEveryBackendThroughMetaInfServices() throws Exception {
        Path walDir = Files.createDirectories(work.resolve("wal-cp"));
        Run run = Artifacts.java(classPathRun(List.of(), "--wal", walDir.toString()));
        assertEquals(0, run.exitCode(), run.output());
        assertBackend(run, "skiplist", "unnamed");
        assertBackend(run, "treemap", "unnamed");
        assertBackend(run, "arena", "unnamed");
    }

    @Test
    void classPath_brokenProvider_isReportedByName() throws Exception {
        Path broken = Artifacts.compile(Artifacts.apps().resolve("broken"),
                Files.createDirectories(work.resolve("broken")),
                List.of("-cp", Artifacts.of("api").toString()));
        Run run = Artifacts.java(classPathRun(List.of(broken)));
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.output().contains("ERROR: Could not load 1 memtable backend(s)"), run.output());
        assertTrue(run.output().contains("com.example.broken.BrokenProvider"), run.output());
        assertTrue(run.output().contains("Loaded fine: [skiplist"), run.output());
    }

    @Test
    void classPath_duplicateName_isRefused() throws Exception {
        Path dup = Artifacts.compile(Artifacts.apps().resolve("duplicate"),
                Files.createDirectories(work.resolve("duplicate")),
                List.of("-cp", Artifacts.of("api").toString()));
        Run run = Artifacts.java(classPathRun(List.of(dup)));
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.output().contains("Two memtable backends are named 'skiplist'"), run.output());
        assertTrue(run.output().contains("com.example.dup.ImpostorProvider"), run.output());
    }

    @Test
    void modulePath_noBackend_saysWhatToAdd() throws Exception {
        Run run = Artifacts.java(List.of("--module-path",
                Artifacts.pathOf(List.of(Artifacts.of("api"), app)),
                "-m", "dev.memtable.it.app/" + MAIN));
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.output().contains("No memtable backend found"), run.output());
    }

    private static void assertBackend(Run run, String name, String module) {
        String expected = name + " module=" + module + " get=1 scan=a=1,b=2,c=<tombstone>"
                + " last=4 a@1=0 a=1 wal=durable@7";
        assertTrue(run.lines().contains(expected),
                "expected the line '" + expected + "' in:\n" + run.output());
    }
}
