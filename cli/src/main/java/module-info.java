/** The {@code memtable} command line: bench, shell and WAL tools. Not a library. */
module dev.memtable.cli {
    requires dev.memtable.api;
    requires dev.memtable.set;
    requires dev.memtable.store;
    requires info.picocli;
    requires java.logging;
    requires java.management;
    requires org.jline.reader;
    requires org.jline.terminal;

    opens dev.memtable.cli to info.picocli;
}
