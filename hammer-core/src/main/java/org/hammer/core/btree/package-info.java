/**
 * B-tree elements as HAMMER lays them out: {@link org.hammer.core.btree.RecordKey keys} ordered by
 * PFS, object, type, key and create TID; {@link org.hammer.core.btree.Record records} carrying a
 * delete TID and CRC-checked data; and the codecs of inode and directory-entry data.
 */
package org.hammer.core.btree;
