/**
 * Implementation shared by OutboxKit's modules (catalog queries of the start-up checks, the rule for secret
 * settings); not API, may change in any release.
 */
@NullMarked
package io.outboxkit.core.internal;

import org.jspecify.annotations.NullMarked;
