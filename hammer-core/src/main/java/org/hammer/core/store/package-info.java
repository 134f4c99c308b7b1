/**
 * The store: one LMDB environment per HAMMER filesystem. The only package that imports
 * {@code org.lmdbjava}. Every DBI is opened with {@code MDB_UNSIGNEDKEY} and the environment with
 * {@code MDB_NOTLS}, so read transactions may move between threads and several processes may
 * share a store; one process opens a store's environment once ({@code StoreRegistry}).
 *
 * <p>Durability: the environment runs with {@code MDB_NOMETASYNC} (one flush per commit instead
 * of two; LMDB documents it as keeping integrity): a commit survives a crash of the process at
 * once, and a crash of the system once {@link org.hammer.core.store.Store#sync} or
 * {@link org.hammer.core.store.Store#close} has run, which is what fsync, synctid and the end of
 * every command do. A write transaction commits at one new TID
 * ({@link org.hammer.core.store.Store#write}) or at none when it lays down mirrored records
 * ({@link org.hammer.core.store.Store#apply}).
 *
 * <p>Integrity (store format 2, FORMAT.md at the root of the project has every byte): LMDB
 * checksums nothing, so this package does. Every record carries a CRC over its whole key and
 * value, every change-index and meta entry a CRC over its key and value, and every commit a seal
 * (its own LMDB transaction id). Every read checks what it decodes, every search checks the
 * entries on both sides of where it lands and every walk checks that keys increase, so damage is
 * reported (CORRUPT, exit 5) instead of read as zeros or stepped over. The data file is checked
 * before it is mapped ({@code MetaPages}), values are kept inside the file ({@code MapBounds}),
 * LMDB's own assertions end the process with exit 5 instead of an abort
 * ({@code LmdbAssertions}), and only {@code newfs} creates an environment or its tables.
 */
package org.hammer.core.store;
