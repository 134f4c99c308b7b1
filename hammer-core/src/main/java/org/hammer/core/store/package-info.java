/**
 * The store: one LMDB environment per HAMMER filesystem. The only package that uses
 * {@code org.hammer.core.lmdb}. Every table keeps LMDB's own key order (bytes, unsigned) and the
 * environment runs with {@code MDB_NOTLS}, so read transactions may move between threads and several processes may
 * share a store; one process opens a store's environment once ({@code StoreRegistry}). A read's
 * transaction is kept between reads, reset ({@code Env#txnReadKept}: with {@code MDB_NOTLS} its
 * reader slot is the transaction's, and a reset one holds no snapshot back), and renewed on the
 * newest snapshot by the next read, whichever thread makes it. A file's large blocks that a read
 * copies out ({@code StoreReader#visibleStoredData}) and that are not in the page cache are read
 * past it with {@code O_DIRECT}, each value's own pages ({@code ColdValues}), and
 * checked there exactly as through the map: a reader of the mount, whose kernel caches the file,
 * then has its data filled into memory once instead of twice. The blocks asked for ahead of a
 * sequential reader are read the same way by threads of the store's own, each inside a read
 * transaction of the snapshot that asked, into a few buffers on huge pages where reads of that
 * snapshot check the values and copy them out in place ({@code DirectAhead}).
 *
 * <p>Durability: the environment runs with {@code MDB_NOMETASYNC} (one flush per commit instead
 * of two; LMDB documents it as keeping integrity): a commit survives a crash of the process at
 * once, and a crash of the system once {@link org.hammer.core.store.Store#sync} or
 * {@link org.hammer.core.store.Store#close} has run, which is what fsync, synctid and the end of
 * every command do. A write transaction commits at one new TID
 * ({@link org.hammer.core.store.Store#write}) or at none when it lays down mirrored records
 * ({@link org.hammer.core.store.Store#apply}).
 *
 * <p>Integrity (store format 3, FORMAT.md at the root of the project has every byte): LMDB
 * checksums nothing, so this package does. Every record carries a CRC over its whole key and
 * value (a block's data, kept in the blocks table apart from its record, is covered by the
 * record's data CRC), every change-index and meta entry a CRC over its key and value, and every commit a seal
 * (its own LMDB transaction id). Every read checks what it decodes, every search checks the
 * entries on both sides of where it lands and every walk checks that keys increase, so damage is
 * reported (CORRUPT, exit 5) instead of read as zeros or stepped over. The data file is checked
 * before it is mapped ({@code MetaPages}), values are kept inside the file ({@code MapBounds}),
 * LMDB's own assertions end the process with exit 5 instead of an abort
 * ({@code LmdbStore#assertionFailed}), and only {@code newfs} creates an environment or its tables.
 *
 * <p><b>Threads.</b> LMDB ties a write transaction to a thread for two reasons (lmdb.h, "Caveats"
 * and {@code mdb_txn_begin}): {@code mdb_txn_begin} takes the environment's writer lock, a
 * mutex that {@code mdb_txn_commit} or {@code mdb_txn_abort} releases and that only the thread
 * holding it may release; and the transaction and its cursors are plain memory that no two
 * threads may use at once. {@code MDB_NOTLS} lifts the rule for read transactions only. Nothing
 * else of a write transaction is the thread's: LMDB keeps no thread-local state for it (its
 * thread-local slot is the reader table's). So {@link org.hammer.core.store.Store#write} begins,
 * commits or aborts a transaction on the thread that calls it, always; in between, the
 * transaction may be <i>handed over</i>: the thread that owns it calls
 * {@link org.hammer.core.store.StoreWriter#detach} and stops using it, one other thread
 * {@link org.hammer.core.store.StoreWriter#attach attaches} it, uses it and detaches it, and the
 * first thread attaches it again before its work returns. The hand-over must pass through a
 * lock or another happens-before edge (the write-back engine, {@code org.hammer.core.fs}, uses
 * its own lock), so each thread sees what the one before wrote; the writer lock never changes
 * threads and the transaction is never used by two threads at once, which is what LMDB's rule
 * protects. The transaction asserts this: every call from a thread that does not own it — never
 * handed over, or while detached — fails at once with an IllegalStateException, and so does the
 * commit unless the beginning thread has it back. The per-thread scratch buffers a transaction
 * uses are those of the thread that began it, idle while it waits.
 */
package org.hammer.core.store;
