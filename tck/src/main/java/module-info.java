/**
 * The memtable conformance kit: abstract JUnit 5 suites that any backend runs to prove it honours
 * the {@link dev.memtable.MemTable} contract. See {@link dev.memtable.tck.MemTableContract}.
 */
module dev.memtable.tck {
    requires transitive dev.memtable.api;
    requires transitive dev.memtable.set;
    requires transitive org.junit.jupiter.api;

    exports dev.memtable.tck;
    opens dev.memtable.tck to org.junit.platform.commons;
}
