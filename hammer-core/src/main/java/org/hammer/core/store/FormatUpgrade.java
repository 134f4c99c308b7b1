package org.hammer.core.store;

/**
 * What {@link Store#upgradeFormat} did: the format the store had and has now, and the records
 * whose data it moved into the blocks table, with their bytes.
 */
public record FormatUpgrade(int from, int to, long records, long bytes) {
}
