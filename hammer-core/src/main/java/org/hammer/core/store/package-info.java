/**
 * The store: one LMDB environment per HAMMER filesystem. The only package that imports
 * {@code org.lmdbjava}. Every DBI is opened with {@code MDB_UNSIGNEDKEY} and the environment with
 * {@code MDB_NOTLS}, so transactions may move between threads and several processes may share a
 * store. The environment runs with {@code MDB_NOMETASYNC} (one flush per commit instead of two;
 * LMDB documents it as keeping integrity): a commit survives a crash of the process at once, and
 * a crash of the system once {@link org.hammer.core.store.Store#sync} or
 * {@link org.hammer.core.store.Store#close} has run, which is what fsync, synctid and the end of
 * every command do. A write transaction commits at one new TID
 * ({@link org.hammer.core.store.Store#write}) or at none when it lays down mirrored records
 * ({@link org.hammer.core.store.Store#apply}).
 */
package org.hammer.core.store;
