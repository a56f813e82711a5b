/**
 * What a backend or a write-ahead log implements. A backend extends
 * {@link dev.memtable.spi.AbstractMemTableProvider} and {@link dev.memtable.spi.AbstractMemTable}
 * (or implements {@link dev.memtable.spi.MemTableProvider} directly) and is discovered through
 * {@link java.util.ServiceLoader}; it proves itself by running the conformance kit in
 * {@code dev.memtable.tck}.
 */
package dev.memtable.spi;
