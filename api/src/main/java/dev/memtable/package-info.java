/**
 * The memtable contract for JVM storage engines: {@link dev.memtable.MemTable}, a sorted
 * concurrent map of {@link dev.memtable.Bytes} with tombstones and an optional write-ahead log;
 * {@link dev.memtable.Bound} and {@link dev.memtable.MemTableIterator} for range scans;
 * {@link dev.memtable.WriteBatch} for atomic multi-key writes; and {@link dev.memtable.MemTables}
 * to find backends.
 */
package dev.memtable;
