package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a writing process with SIGKILL at a random moment ({@link Process#destroyForcibly()} on
 * Linux), then recovers its log, under each {@link SyncPolicy}: every write the child
 * acknowledged (printed once the policy promises it survives a process crash; see
 * {@link CrashChild}: after the append for {@code EXPLICIT}, after its {@code syncTo} for
 * {@code EVERY_WRITE}, after a later {@code sync()} for {@code BUFFERED}) must be there, and each
 * writer's recovered writes must be exactly a prefix of what it attempted (a write in flight, or
 * under {@code BUFFERED} not yet synced, may be present or absent, never half, wrong or after a
 * hole). Rounds per policy: {@code -Dmemtable.test.rounds} (default 5).
 */
class CrashTest {

    private static final int THREADS = 4;
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void recover_afterSigkill_keepsEveryAcknowledgedWriteAndOnlyPrefixes(SyncPolicy policy)
            throws Exception {
        int rounds = Integer.getInteger("memtable.test.rounds", 5);
        long seed = Long.getLong("memtable.test.seed", System.nanoTime());
        Random random = new Random(seed);
        long totalAcked = 0;
        for (int round = 0; round < rounds; round++) {
            try {
                totalAcked += round(policy, round, 50 + random.nextInt(500));
            } catch (AssertionError | IOException e) {
                throw new AssertionError(policy + " crash round " + round + " failed; rerun with"
                        + " -Dmemtable.test.seed=" + seed, e);
            }
        }
        assertTrue(totalAcked > 0, "the child never acknowledged a write: nothing was tested");
    }

    private long round(SyncPolicy policy, int round, int killAfterMillis) throws Exception {
        Path file = dir.resolve("crash-" + policy + "-" + round + ".wal");
        Path errors = dir.resolve("crash-" + policy + "-" + round + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(javaCommand(file, policy));
        pb.redirectError(errors.toFile());
        Process child = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(child.getInputStream(), out), "child-stdout");
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!text(out).contains("ready\n")) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child did not start: " + Files.readString(errors));
                }
                Thread.sleep(5);
            }
            Thread.sleep(killAfterMillis);
            assertTrue(child.isAlive(), () -> "child died by itself: " + read(errors));
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "child survived SIGKILL");
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
        assertEquals(137, child.exitValue(), () -> "child was not killed by SIGKILL: "
                + read(errors));

        long[] acked;
        synchronized (out) {
            acked = Workload.parseAcks(out.toByteArray(), THREADS);
        }
        Logs.Recovered r = Logs.recover(FaultyFs.fast().provider(), file,
                RecoveryMode.TOLERATE_TORN_TAIL, false);
        Workload.check(r.ok(), acked);
        Files.delete(file);     // a round's log may be large; keep the disk use of the test small
        long count = 0;
        for (long a : acked) {
            count += a + 1;
        }
        return count;
    }

    /** The same java binary, with the test JVM's module path and class path as class path. */
    private static List<String> javaCommand(Path file, SyncPolicy policy) {
        String classPath = Stream.of(System.getProperty("jdk.module.path"),
                        System.getProperty("java.class.path"))
                .filter(p -> p != null && !p.isEmpty())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(CrashChild.class.getName());
        cmd.add(file.toString());
        cmd.add(Integer.toString(THREADS));
        cmd.add(policy.name());
        return cmd;
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The child is gone; what was read is all there is.
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
