/**
 * Scrub: reads every record, change-index entry and meta entry of a store (or one PFS's records
 * and change entries, and the store-wide entries), checks every checksum through
 * {@link org.hammer.core.store.Store#check}, and cross-checks what only the PFS level knows: the PFS
 * records decode, PFS links in PFS #0 name existing PFSes, each lineage is ordered and ends at or
 * before its PFS's sync-end-tid, sync-beg-tid is not after sync-end-tid, no record carries a TID
 * newer than the store's, and a slave's resume cursor lies after its sync point. Every damaged
 * object is reported as found, with the path users know it by when one can be derived, and the
 * scrub goes on; it never writes to the store.
 */
package org.hammer.core.scrub;
