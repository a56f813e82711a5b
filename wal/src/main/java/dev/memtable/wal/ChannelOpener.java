package dev.memtable.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the log opens files and directories: {@link FileChannel#open(Path, OpenOption...)} in
 * production. Tests pass their own to inject faults (failed or slow fsyncs, lost unsynced data)
 * and to count fsyncs, through {@link FileWalProvider}'s package-private constructor.
 */
@FunctionalInterface
interface ChannelOpener {

    /** The real file system. */
    ChannelOpener DEFAULT = FileChannel::open;

    /** Opens {@code path} as {@link FileChannel#open(Path, OpenOption...)} does. */
    FileChannel open(Path path, OpenOption... options) throws IOException;
}
