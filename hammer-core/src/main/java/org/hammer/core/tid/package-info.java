/** Transaction ids: formatting, parsing and as-of visibility. */
package org.hammer.core.tid;
