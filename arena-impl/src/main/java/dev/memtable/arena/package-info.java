/**
 * The {@code "arena"} memtable backend: a lock-free, insert-only skip list whose nodes, keys and
 * values live inline in large {@code byte[]} chunks, in the manner of RocksDB's
 * {@code InlineSkipList}, Pebble's {@code arenaskl} and Badger's {@code skl}. A table of a million
 * entries is a few dozen arrays instead of millions of objects. This package is not exported;
 * users reach it through {@code MemTables.provider("arena")}.
 *
 * <h2>Versions: one node per version</h2>
 * Every write is a version {@code (key, sequence, value)} (see {@link dev.memtable.MemTable}), and
 * each version is a node of its own, as in RocksDB and Pebble: the list is ordered by the
 * <em>internal key</em>, key ascending, then sequence <em>descending</em>. The versions of a key
 * are therefore adjacent on level 0, newest first, and
 * <ul>
 *   <li>a get at read sequence {@code s} is one search for the first node at or after
 *       {@code (key, s)}, which answers if it holds {@code key}; the newest version is the first
 *       node at or after {@code (key, Long.MAX_VALUE)}, a probe no node equals;</li>
 *   <li>a put of a new {@code (key, sequence)} links a node at its place, whatever order versions
 *       arrive in; a put of a {@code (key, sequence)} the list holds replaces that node's value
 *       word (see Overwrites);</li>
 *   <li>a scan at {@code s} walks level 0, yields the first node of each key whose sequence is at
 *       most {@code s} and skips the key's other nodes; {@code versions()} walks level 0 as it
 *       is.</li>
 * </ul>
 * A key with one version, the common case of unversioned writes to distinct keys, costs what it
 * did before versions existed, plus the node's 8-byte sequence word.
 *
 * <h2>Classes</h2>
 * <ul>
 *   <li>{@link dev.memtable.arena.Arena}: the chunk table and two lock-free bump allocators, one
 *       for nodes, one for value bytes.</li>
 *   <li>{@link dev.memtable.arena.ArenaSkipList}: the skip list over the arena.</li>
 *   <li>{@link dev.memtable.arena.PointIndex}: a best-effort hash index from a key to its
 *       newest node, so that a point read of the newest version loads one slot and one node
 *       instead of searching (see "Point reads").</li>
 *   <li>{@link dev.memtable.arena.ArenaMemTable}: the {@code AbstractMemTable} adapter (checks,
 *       size, batches and the write-ahead log are done there once for every backend) and the
 *       iterator.</li>
 *   <li>{@link dev.memtable.arena.ArenaMemTableProvider}: the service found by
 *       {@link java.util.ServiceLoader}.</li>
 * </ul>
 *
 * <h2>Memory: chunks and addresses</h2>
 * Chunks are {@code byte[]}s registered in a fixed table of 8,192 slots (slot 0 unused). Each
 * region's first chunk is 32 KiB; each next one doubles, up to 4 MiB (less 64 bytes, so that a
 * chunk with its array header fills whole G1 regions instead of spilling into one more). An
 * allocation over 1 MiB gets a dedicated chunk of exactly its size, so the unused tail of a
 * chunk never exceeds a quarter of it; a 16 MiB value is such a chunk.
 * <ul>
 *   <li>A <b>node address</b> is an {@code int}, {@code slot << 19 | byteOffset >>> 3} (nodes
 *       are 8-byte aligned). 0 ({@code NIL}) is no node.</li>
 *   <li>A <b>value word</b> is a {@code long},
 *       {@code length << 35 | slot << 22 | byteOffset}
 *       (values are byte-aligned and up to 16 MiB). 0 is the tombstone: the empty value needs no
 *       bytes.</li>
 * </ul>
 * Allocation is a {@code getAndAdd} on the current chunk's bump pointer; the thread whose
 * reservation runs past the end installs the next chunk under the arena's monitor (others that
 * overran retry on the new one). A failed reservation leaves the chunk's tail unused.
 *
 * <p><b>Capacity.</b> 8,191 chunks: about 32 GiB of regular chunks, at least 8 GiB if every
 * entry is over 1 MiB. Past it a write throws {@link java.lang.IllegalStateException} naming the
 * table; a single put then changes nothing. <b>Note:</b> a batch that fills the arena midway
 * stays partly applied, and with a write-ahead log the refused write is already in the log; a
 * memtable is meant to be frozen long before (typically at 64–256 MiB).
 *
 * <h2>Node layout</h2>
 * <pre>
 *  offset  size      field
 *  0       8         value word (volatile; replaced by a volatile store on a rewrite)
 *  8       8         sequence, 1 .. 2^56 - 1 (immutable) | SUPERSEDED flag in bit 63
 *                    (set once, by a volatile store, never cleared)
 *  16      4         meta: key length (bits 0-15) | tower height (bits 16-20); immutable
 *  20      4         tower, level 0: next node (an int; volatile; linked by CAS)
 *  24      8 × (h-1) tower, levels 1 .. h-1: one long each, prefix32(next's key) &lt;&lt; 32 | next
 *                    (volatile; linked by CAS as one word)
 *  16+8h   keyLen    key bytes; immutable
 *          0..7      padding to 8
 * </pre>
 * With 16-byte keys a node is {@code 32 + 8h} bytes: 40 at height 1, 48 at 2, 56 at 3; the
 * average over heights is about 42.7 bytes (8 more than before versions, the sequence word, and
 * about 0.6 more than with 4-byte upper links; the heap probe below, which counts whole 4 MiB
 * chunks, reads the same 146.7 bytes per entry with either).
 *
 * <p><b>Key prefixes in the upper links.</b> A link on level 1 or above carries, in the same
 * 8-byte word, the first 4 bytes of the key of the node it points to ({@code prefix32}:
 * big-endian, zero-padded for shorter keys, so a smaller prefix, compared unsigned, means a
 * smaller key). A search standing on a node decides "right" or "down" from that word alone
 * when the prefix differs from the probe's: it loads the next node only to step onto it, or on
 * a tie. Without it, each level ended with a load of a node only to find it greater (a cache
 * miss in a table larger than the caches); with it a get touches the nodes it steps onto and
 * the one it answers with. Level 0, where three quarters of the nodes have their only link,
 * keeps a 4-byte link: an 8-byte one there would cost 4 to 8 bytes on every node, past the
 * memory budget, and a hit gains nothing there (the node after the last step is the answer,
 * which is loaded anyway). The word is written and compared as one {@code long}, so a reader
 * never pairs a link with another node's prefix.
 * The sequence's top byte is free (sequences are below 2<sup>56</sup>); its top bit holds the
 * SUPERSEDED flag (see One search). Packing the height there too would not shrink a
 * 16-byte-key node, whose size is set by the 8-byte rounding. Value bytes live in the value region, not after the key: searches touch only
 * nodes, and a million such nodes pack into about 42 MB instead of 142 MB, so more of every
 * search stays in the CPU caches and the TLB. Entry cost: node + value length, about 26 bytes
 * over the payload for a 16-byte key, measured by the project's heap probe (the one behind
 * {@code memtable bench} and {@code benchmarks/run.sh memory}) at a million entries of 16 + 100
 * bytes, each key written once: 146.7 bytes of heap per entry, 1.26 × the payload (138.3 and
 * 1.19 × before versions); the skiplist backend, with its per-key version chain, needs 269.0,
 * 2.32 ×. Every further version of a key costs a node of its own (the key bytes are repeated)
 * plus its value bytes.
 *
 * <p>Heights are 1 + (trailing zero bits of a {@code ThreadLocalRandom} long) / 2, capped at 20:
 * branching 1/4, as in RocksDB; 4<sup>20</sup> is far more nodes than an arena can address.
 *
 * <h2>Memory ordering: why a reader never sees a half-written node</h2>
 * In VarHandle terms ({@code MethodHandles.byteArrayViewVarHandle} on the chunks):
 * <ol>
 *   <li><b>Write, then publish.</b> A writer allocates the value bytes and the node from its
 *       own reservation and fills them with <em>plain</em> stores: value bytes, value word,
 *       meta, key, and {@code next[0]}. No other thread can reach that memory: its address is
 *       known only to the writer, and chunk memory is never handed out twice or reused.</li>
 *   <li><b>Link level 0 by CAS.</b> {@code compareAndSet(pred.next[0], succ, node)} has volatile
 *       semantics, so it is a release: every plain store above happens-before any load that
 *       reads {@code node} from that link. If the CAS fails (another insert changed
 *       {@code pred.next[0]}), the writer walks right from {@code pred} (whose key is still
 *       smaller: nodes never move), rewrites {@code node.next[0]} (still private) and retries.
 *       If it meets a node with its own key and sequence there, it lost a race with an insert of
 *       the same version: it stores its value word into that node instead and leaves its own
 *       node unlinked. Before each CAS it sets the SUPERSEDED flag of its successor if that is
 *       an older version of its key (a volatile store), and its own if its predecessor is a
 *       newer one (a plain store: the node is still private).</li>
 *   <li><b>Then the upper levels, bottom-up.</b> For each level {@code i ≥ 1}: a plain store of
 *       {@code node.next[i]} (the word {@code pred.next[i]} held: the successor with its key
 *       prefix), then a CAS of {@code pred.next[i]} from that word to {@code node} with its
 *       own key prefix. Until that CAS nobody can
 *       reach {@code node} at level {@code i} (readers arrive at a node at level {@code i} only
 *       through a level-{@code i} link), so the plain store is private; the CAS publishes it. A
 *       node reachable at level {@code i} is already linked at every level below, so a reader
 *       that descends from it always finds a fully linked level.</li>
 *   <li><b>Readers use volatile loads</b> for every link and value word, so a reader that
 *       obtains a node address (at any level) or a value word also sees everything written
 *       before it was published: the node's sequence, meta, key and tower, or the value's
 *       bytes. Sequences, meta, keys and value bytes are then read with plain loads: they are
 *       never written again.
 *       Acquire loads would suffice for this safety argument; volatile loads cost the same on
 *       x86-64 and AArch64 (a plain {@code mov}, an {@code ldar}) and also give every write a
 *       single global order, so that a write is seen by every read that starts after it
 *       returns.</li>
 *   <li><b>Chunks.</b> A chunk is stored in the chunk table before its region's volatile
 *       {@code current} field is set (or, for a dedicated chunk, before its address is returned
 *       to the allocating thread). A reader that holds an address got it through the chain
 *       above from the writer, which itself read {@code current} (or made the chunk), so the
 *       table slot is visible to it with a plain load.</li>
 *   <li><b>Height.</b> The list height (a volatile {@code int}, raised by CAS before a taller
 *       node is linked) only says where searches start; a level above it is empty or being
 *       linked, and a search that starts lower is still correct.</li>
 * </ol>
 * Insertion is lock-free: a CAS fails only because another insert succeeded. Nothing is ever
 * removed (a delete is a tombstone value), so there are no marker nodes and no ABA: an address,
 * once published, names the same node for the life of the table.
 *
 * <h2>Overwrites</h2>
 * Nothing is overwritten in place but a version's value: a put of a {@code (key, sequence)}
 * already present copies the new value into the value region and stores its value word into
 * that node with one volatile store (a tombstone stores 0), as a single atomic word; the key's
 * other versions are untouched. A put of a present key at a new sequence (every unversioned put)
 * adds a node. Replaced bytes stay allocated until the table is closed; the
 * {@code approximateSize()} contract already counts every write, rewrites included.
 *
 * <h2>Reads and copies</h2>
 * Reads never copy stored bytes: a key or value returned by {@code get} or an iterator is
 * {@code Bytes.wrap(chunk, from, to)} over the chunk, which is safe because those bytes were
 * written once, before their address was published, and are never written again. Gets, seeks and
 * puts read the caller's key in place through {@code spi.ByteArrays} (plain field loads). A get
 * miss allocates nothing; a get hit allocates the returned {@code Bytes} and, measured with JMH
 * {@code -prof gc} on JDK 17, also the caller's probe {@code Bytes} (48 B/op): C2 stops inlining
 * the read path's outer call there ("callee uses too much stack"), so the probe escapes. Writes
 * copy the key and the value into the arena, once. <b>Note:</b> a returned {@code Bytes} keeps
 * its whole chunk (up to 4 MiB) reachable while it is held, even after the table is closed: copy
 * what you keep long.
 *
 * <h2>Point reads</h2>
 * A search of a million random nodes is a chain of about 28 node loads, most of them cache
 * misses on the lower levels. A {@link dev.memtable.arena.PointIndex} beside the list maps a key
 * (by a 64-bit hash, open addressing over an {@code int[]} of node addresses, linear probing, at
 * most half full) to its newest node: a get loads one slot and one node, checks the node's key
 * bytes and that it is not {@link dev.memtable.arena.ArenaSkipList#SUPERSEDED}, and returns its
 * value. The index is never authoritative: a key it does not hold (an insert gave up after 16
 * slots of other keys, or raced with the index growing), a superseded version, or a read below
 * the newest version falls back to the search, so the index can make a read slower but never
 * wrong. A put records its node in the index after linking it, replacing the key's older node by
 * compare-and-set only if its own sequence is higher. Cost: 4 bytes per slot, 8 to 16 per key
 * (about 8.4 at a million keys), and a slot load per put.
 *
 * <h2>One search</h2>
 * Reads (get, seek) go through {@code ArenaSkipList.find}, which walks from the head down to
 * the first node at or after the probe and records nothing on the way; puts go through
 * {@code ArenaSkipList.findSplice}, as in Pebble's
 * {@code arenaskl}: from a start node down a range of levels, it records at each level the
 * <em>splice</em>, the last node before the probe {@code (key, sequence)} and the first one after
 * it. A node equal to the probe in key and sequence ends the search: a put replaces its value, a
 * get at that exact sequence answers with it. Otherwise a put links its new node into the splice;
 * an insert whose CAS failed searches that one level again from its old predecessor; a get takes
 * the first node after the probe if it holds the key (the search knows whether the node it
 * stopped at was an older version of the probe's key, so this costs no second comparison); a
 * seek probes {@code (key, Long.MAX_VALUE)} (inclusive: before every version of the key) or
 * {@code (key, 0)} (exclusive: after every version), which no node equals, and takes the first
 * node after it.
 *
 * <p>Comparison: the key bytes first. When both keys have at least 8 bytes, their first 8 bytes
 * are compared as one unsigned big-endian {@code long}, which decides almost every comparison of
 * random keys; otherwise, and on a tie, {@code Arrays.compareUnsigned} on the rest. Only when the
 * key bytes are equal is the node's sequence read: a higher sequence sorts first. On levels 1
 * and up, the 4-byte prefix carried by the link decides first, without loading the node, unless
 * it ties with the probe's (see Node layout). The search never
 * compares a node it already knows to sort after the probe: the node that ended the level above
 * (RocksDB's "last bigger" check), or, for an insert whose CAS failed, its old successor at that
 * level.
 *
 * <p><b>Reads stop early.</b> A read of {@code (key, s)} that meets, at some level, a version of
 * {@code key} with a sequence below {@code s} may not stop there in general: a newer version, still
 * at most {@code s}, may sit before it, linked only at lower levels. It may stop when the version
 * is not SUPERSEDED. The flag is set on a version before any newer version of its key is published
 * (see the memory ordering): by induction, a version with a newer one linked is flagged, so an
 * unflagged version is the key's newest and nothing lies between the probe and it. For a key with
 * one version, the common case, a get at {@code Long.MAX_VALUE} therefore stops at the first level
 * where it meets the key, as it did before versions existed; only keys with several versions
 * descend from there (with that node as the bound). A put never stops early: it needs the full
 * splice. The flag is read by a volatile load, so a read that starts after a newer version's put
 * returned sees it; a read concurrent with that put may return the older version, which is
 * allowed.
 *
 * <h2>Iterators</h2>
 * An iterator seeks its lower bound through the skip list, then follows level 0 with volatile
 * loads, stopping at the first key past the upper bound. {@code versions()} yields every node.
 * A scan at sequence {@code s} passes over nodes above {@code s}, yields the first node of a key
 * at or below it, then skips the following nodes whose key bytes equal those of the node it just
 * yielded (a length check and one 8-byte compare tell a different key almost always); a key with
 * no version at or below {@code s} is passed over whole (a scan at 0 never gets here:
 * {@code AbstractMemTable} answers it, for every backend, with an empty iterator). Weakly
 * consistent: internal keys come strictly ascending and never twice (level 0 is
 * sorted and nodes never move or disappear), so a scan yields each key once, even if an older
 * version of the key it just yielded is inserted behind it; the value is the one current when the
 * cursor arrived at the node; versions inserted ahead of the cursor are seen, those behind it are
 * not. <b>Note:</b> a scan walks every version in its range, so a key with very many versions
 * above the read sequence, or below the visible one, costs a step per version.
 *
 * <h2>Closing</h2>
 * {@code close()} drops the table's only reference to the skip list and its arena; the garbage
 * collector frees the chunks once no iterator step or returned {@code Bytes} still holds them.
 * Each operation reads that reference once and works on what it read, so a call that passed the
 * closed check just before {@code close()} completes on memory that is still reachable: no read
 * can see freed memory (on-heap memory cannot be freed while referenced). Iterators look the
 * list up at every step, so an open iterator does not keep a closed table's chunks alive; its
 * next step throws {@link java.lang.IllegalStateException}.
 *
 * <h2>Why on-heap</h2>
 * The same code on direct {@code ByteBuffer}s ({@code byteBufferViewVarHandle}, a byte-loop
 * compare instead of the vectorised {@code Arrays.compareUnsigned}) was measured against this
 * one, single thread, a million random 16-byte keys and 100-byte values, thread CPU time (3
 * alternating runs of 4 rounds each; the machine was shared, so take ranges): puts about the
 * same (fastest round 2.0–2.4 µs on-heap vs 2.2–2.6 µs off-heap), gets about 10 % slower
 * off-heap (median 3.2–3.6 vs 3.5–3.9 µs; 362 vs 455 ns when the table fits in cache), because every
 * read must copy (a {@code Bytes} can only wrap a {@code byte[]}); full scans 1.8 × slower
 * (fastest 141–164 vs 263–296 ns an entry); and the copies caused young collections where
 * there were none (3 vs 0 over 4 loads of a million entries).
 * Java 17 also cannot free direct memory when a table closes (no public {@code free} without the
 * preview FFM API), and an in-flight read racing {@code close} would need a guard on every
 * access. On-heap chunks cost the collector little: they are few, hold no references (nothing
 * to scan), and G1 allocates the large ones directly in the old generation (as humongous objects
 * when a chunk is at least half a region, that is, on heaps under about 16 GB).
 */
package dev.memtable.arena;
