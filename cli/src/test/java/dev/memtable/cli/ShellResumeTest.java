package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.set.MemTableSet;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell after a log fails: it says writes are stopped and how to go on, and resume does. */
class ShellResumeTest {

    /** The real log implementation, whose logs refuse appends while {@link #full} is set. */
    private static final class DiskThatFills implements WalProvider {
        private final WalProvider real = MemTables.walProvider();
        volatile boolean full;

        @Override
        public String name() {
            return "fills-up";
        }

        @Override
        public Wal create(Path file, WalOptions options) throws IOException {
            return new FillingWal(real.create(file, options));
        }

        @Override
        public Wal recover(Path file, WalOptions options, WalReplay replay)
                throws IOException {
            return new FillingWal(real.recover(file, options, replay));
        }

        @Override
        public long inspect(Path file, RecoveryMode mode, WalInspector inspector)
                throws IOException {
            return real.inspect(file, mode, inspector);
        }

        @Override
        public void delete(Path file) throws IOException {
            real.delete(file);
        }

        /** Fails every append once the disk is full, and stays failed as a real log does. */
        private final class FillingWal implements Wal {
            private final Wal inner;
            private volatile IOException failed;

            FillingWal(Wal inner) {
                this.inner = inner;
            }

            private void check() throws IOException {
                if (failed == null && full) {
                    failed = new IOException("No space left on device");
                }
                if (failed != null) {
                    throw new IOException("log " + inner.path() + " has failed", failed);
                }
            }

            @Override
            public Path path() {
                return inner.path();
            }

            @Override
            public long append(Bytes key, Bytes value, long sequence) throws IOException {
                check();
                return inner.append(key, value, sequence);
            }

            @Override
            public long append(WriteBatch batch, long sequence) throws IOException {
                check();
                return inner.append(batch, sequence);
            }

            @Override
            public void syncTo(long position) throws IOException {
                check();
                inner.syncTo(position);
            }

            @Override
            public void sync() throws IOException {
                check();
                inner.sync();
            }

            @Override
            public long position() {
                return inner.position();
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        }
    }

    @Test
    void resume_afterTheLogFailed_writesContinueOnANewLog(@TempDir Path dir) throws Exception {
        DiskThatFills disk = new DiskThatFills();
        StringWriter buffer = new StringWriter();
        try (MemTableSet set = MemTableSet.builder().backend(MemTables.provider("skiplist"))
                .walDirectory(dir).walProvider(disk).build()) {
            Shell shell = new Shell(set, new PrintWriter(buffer, true), "test");
            assertTrue(shell.execute("resume"));
            assertEquals("OK: nothing to resume (writes were not stopped)\n", buffer.toString());
            shell.execute("put a 1");
            disk.full = true;
            buffer.getBuffer().setLength(0);
            shell.execute("put b 2");
            shell.execute("put c 3");
            String failed = buffer.toString();
            assertTrue(failed.startsWith("error: "), failed);
            assertTrue(failed.contains("No space left on device"), failed);
            assertTrue(failed.contains("type resume to continue on a new log"), failed);
            assertEquals(2, shell.failures());

            disk.full = false;
            buffer.getBuffer().setLength(0);
            shell.execute("resume");
            shell.execute("put b 2");
            shell.execute("get a");
            shell.execute("get b");
            assertEquals("OK: writes continue in table 2\nOK\n1\n2\n", buffer.toString());
        }
    }
}
