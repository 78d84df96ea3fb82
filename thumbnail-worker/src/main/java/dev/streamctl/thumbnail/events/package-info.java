/**
 * What the thumbnail worker tells the rest of the system about the streams it reads:
 * {@code stream.stalled} and {@code stream.resumed} on {@code srs.events}.
 */
@NullMarked
package dev.streamctl.thumbnail.events;

import org.jspecify.annotations.NullMarked;
