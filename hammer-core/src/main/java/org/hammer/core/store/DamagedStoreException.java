package org.hammer.core.store;

import org.hammer.core.HammerException;

/** Damage found in a store's own structures (change index, meta entries): always CORRUPT. */
final class DamagedStoreException extends HammerException {
    DamagedStoreException(String what) {
        super(Kind.CORRUPT, "store damaged: " + what);
    }
}
