/**
 * How the two ends of a mirror talk: an in-memory pipe for two local ends in one process, or a
 * {@code hammer} started at an {@link org.hammer.core.transport.Endpoint} on another host through
 * ssh (or {@code $HAMMER_RSH}), whose stdin and stdout carry the stream. Knows nothing of the
 * stream's contents.
 */
package org.hammer.core.transport;
