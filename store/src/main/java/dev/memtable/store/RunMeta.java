package dev.memtable.store;

import dev.memtable.Bytes;

/**
 * What a finished run file holds, as {@link RunWriter#finish()} reports and {@link Run} reads
 * back from its footer.
 *
 * @param id the run's id (its file is named by it)
 * @param fileSize the file's length in bytes
 * @param entries the number of versions (entries) in it
 * @param smallest the smallest key (empty if the run has no entries)
 * @param largest the largest key (empty if the run has no entries)
 * @param minSequence the lowest sequence of any entry (0 if none)
 * @param maxSequence the highest sequence of any entry (0 if none)
 */
record RunMeta(long id, long fileSize, long entries, Bytes smallest, Bytes largest,
               long minSequence, long maxSequence) {
}
