/**
 * Pruning and cleanup (HAMMER.md §3.5): which history a PFS retains (its snapshots, the
 * prune-min window, full history since the newest snapshot), the physical destruction of
 * everything else in bounded transactions, the per-PFS cleanup config (a CONFIG record on the
 * PFS root, never mirrored), the periodic cleanup it drives, and space usage figures.
 */
package org.hammer.core.prune;
