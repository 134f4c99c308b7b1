/**
 * How the two ends of a mirror talk: an in-memory pipe for two local ends in one process, a
 * local child process, or ssh to another host.
 */
package org.hammer.core.transport;
