/**
 * The store: one LMDB environment per HAMMER filesystem. The only package that imports
 * {@code org.lmdbjava}. Every DBI is opened with {@code MDB_UNSIGNEDKEY} and the environment with
 * {@code MDB_NOTLS}, so transactions may move between threads and several processes may share a
 * store. Write transactions commit durably, each at one TID ({@link org.hammer.core.store.Store#write})
 * or at none when they lay down mirrored records ({@link org.hammer.core.store.Store#apply}).
 */
package org.hammer.core.store;
